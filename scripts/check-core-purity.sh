#!/usr/bin/env bash
# The shared core without features must not depend on a web framework, a database,
# an async runtime or the FFI generator (DESIGN.md: shared/ is pure).
set -euo pipefail
deps=$(cargo tree -p shared --no-default-features -e normal --prefix none --format '{p}')
bad=$(grep -E -i '^(actix|diesel|tokio|uniffi)' <<<"$deps" || true)
if [[ -n "$bad" ]]; then
  echo "core-purity: shared depends on:" >&2
  echo "$bad" >&2
  exit 1
fi
echo "core-purity: shared depends on no actix, diesel, tokio or uniffi ($(wc -l <<<"$deps") crates checked)"
