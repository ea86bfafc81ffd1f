#!/usr/bin/env bash
# RUSTC_WRAPPER for scripts/wasm-core.sh. Debian bookworm's rustc-web is 1.85 in the
# release and 1.96 in its security updates; the core's dependencies (crux 0.20, facet
# 0.46, uuid 1.29) are written for 1.88-1.90 and use two language features that 1.85
# has only behind a gate: `if let` chains and a const `eq_ignore_ascii_case` (on 1.96
# both are stable and the gates change nothing). RUSTC_BOOTSTRAP=1 lets this rustc accept the gates, and this
# wrapper opens them for every crate except the standard library's own (which
# -Zbuild-std compiles from rust-web-src and which declares its own features).
set -euo pipefail
rustc=$1
shift
if [[ " $* " == *" --crate-name "* ]]; then
  std_src=${WASM_CORE_STD_SRC:?set by scripts/wasm-core.sh}
  for arg in "$@"; do
    case "$arg" in
      "$std_src"/* | */lib/rustlib/src/rust/*) exec "$rustc" "$@" ;;
    esac
  done
  exec "$rustc" "$@" \
    -Zcrate-attr='feature(let_chains)' \
    -Zcrate-attr='feature(const_eq_ignore_ascii_case)'
fi
exec "$rustc" "$@"
