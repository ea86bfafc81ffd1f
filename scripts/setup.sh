#!/usr/bin/env bash
# Installs what `make test` needs beyond the Rust toolchain. Safe to run again.
set -euo pipefail
need() { command -v "$1" >/dev/null 2>&1; }
if ! need cargo; then
  echo "setup: cargo is missing; install the Rust toolchain (stable, 1.95 or later)" >&2
  exit 1
fi
for component in rustfmt clippy; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^${component}"; then
    rustup component add "$component"
  fi
done
echo "setup: ready"
