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
# The convocation tests send e-mail to a real local SMTP server: Debian's aiosmtpd.
if ! /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1; then
  echo "setup: installing python3-aiosmtpd from Debian" >&2
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      echo "setup: python3-aiosmtpd missing and not root; install it with apt-get" >&2
      exit 1
    fi
  fi
  "${sudo[@]}" apt-get update -qq >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd >&2
fi
# The failover test (server/tests/proxy_failover.rs) runs two instances behind a real
# HAProxy with deploy/haproxy/kiesdag.cfg: Debian's haproxy.
if ! command -v haproxy >/dev/null 2>&1 && [[ ! -x /usr/sbin/haproxy ]]; then
  echo "setup: installing haproxy from Debian" >&2
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      echo "setup: haproxy missing and not root; install it with apt-get" >&2
      exit 1
    fi
  fi
  "${sudo[@]}" apt-get update -qq >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >&2
fi
echo "setup: ready"
