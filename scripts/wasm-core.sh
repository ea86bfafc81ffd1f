#!/usr/bin/env bash
# Builds the chair's core (web-chair/core: shared::ChairApp behind a byte-buffer ABI)
# for wasm32-unknown-unknown into web-chair/core/pkg/chair_core.wasm, and with
# --check runs scripts/wasm-core-smoke.mjs on it in Node. Safe to run again.
#
# No wasm32 standard library comes with the machine's rustup, so this uses Debian's
# rustc-web (1.85 or 1.96, with rust-web-src, lld and cargo-web, installed here when missing):
# -Zbuild-std compiles std for wasm32 from source (RUSTC_BOOTSTRAP=1), wasm-ld links,
# and scripts/wasm-rustc.sh opens the two language gates the dependencies need on 1.85.
#
#   scripts/wasm-core.sh [--check]
#   CARGO_TARGET_DIR  where to build (default ./target); this script uses its
#                     wasm-core/ subfolder, apart from the native builds
#   WASM_CORE_OUT     the output folder (default web-chair/core/pkg)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
check=false
for arg in "$@"; do
  case "$arg" in
    --check) check=true ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
  esac
done

packages=(rustc-web cargo-web rust-web-src lld)
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if ((${#missing[@]})); then
  echo "wasm-core: installing ${missing[*]} from Debian" >&2
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      echo "wasm-core: ${missing[*]} missing and not root; install them with apt-get" >&2
      exit 1
    fi
  fi
  "${sudo[@]}" apt-get update -qq >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi

# Debian's binaries, by the packages' own file lists: never rustup's cargo or rustc,
# which come first on PATH.
from_package() {
  local file
  file=$(dpkg -L "$1" | grep -E "^/usr/bin/$2\$" | head -n 1)
  if [[ -z "$file" || ! -x "$file" ]]; then
    echo "wasm-core: $1 has no /usr/bin/$2" >&2
    exit 1
  fi
  echo "$file"
}
cargo=$(from_package cargo-web cargo)
rustc=$(from_package rustc-web rustc)
wasm_ld=$(from_package lld wasm-ld)
sysroot=$("$rustc" --print sysroot)
std_src=$(realpath "$sysroot/lib/rustlib/src/rust")
if [[ ! -d "$std_src/library/std" ]]; then
  echo "wasm-core: no standard library source under $std_src (rust-web-src)" >&2
  exit 1
fi

target_dir="${CARGO_TARGET_DIR:-$root/target}/wasm-core"
out="${WASM_CORE_OUT:-$root/web-chair/core/pkg}"
target=wasm32-unknown-unknown
echo "wasm-core: $("$rustc" --version), $("$cargo" --version)" >&2

start=$(date +%s)
(
  cd "$root"
  unset CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS RUSTC_WORKSPACE_WRAPPER
  # getrandom's `custom` backend: randomness from the page (web-chair/core/src/random.rs).
  RUSTC="$rustc" RUSTDOC="${rustc%rustc}rustdoc" RUSTC_WRAPPER="$root/scripts/wasm-rustc.sh" \
    WASM_CORE_STD_SRC="$std_src" RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$target_dir" \
    RUSTFLAGS="-C linker=$wasm_ld --cfg getrandom_backend=\"custom\"" \
    nice -n 10 "$cargo" build --locked --ignore-rust-version \
    -p chair-wasm --lib --profile wasm --target "$target" -Zbuild-std=std,panic_abort
)
seconds=$(($(date +%s) - start))

mkdir -p "$out"
cp "$target_dir/$target/wasm/chair_wasm.wasm" "$out/chair_core.wasm"
bytes=$(wc -c <"$out/chair_core.wasm")
gzipped=$(gzip -9c "$out/chair_core.wasm" | wc -c)
echo "wasm-core: $out/chair_core.wasm, $bytes bytes ($gzipped gzipped), built in ${seconds}s"

if $check; then
  node "$root/scripts/wasm-core-smoke.mjs" "$out/chair_core.wasm"
fi
