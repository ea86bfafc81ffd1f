#!/usr/bin/env bash
# The JVM proof: compiles the generated Kotlin bindings and types, the Android app's
# plain-Kotlin core and its OkHttp transport (android/app/src/main/kotlin/eu/kiesdag/
# chair/{core,net}, the very files the app builds from) and this folder's sources with
# kotlinc-jvm, then runs them on the JVM against target/debug/libshared.so and
# target/debug/kiesdag. OkHttp is Debian's 3.13 (libokhttp-java): the WebSocket API
# the app uses is the same in OkHttp 4.
# Needs `make bindings` and `cargo build --bin kiesdag` first (make jvm-proof does both).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bindings=${BINDINGS:-bindings}
kotlin=$(scripts/setup-jvm.sh)
jna=/usr/share/java/jna.jar
okhttp=/usr/share/java/okhttp.jar:/usr/share/java/okio.jar
out="$root/.cache/jvm-proof"
mkdir -p "$out"
app_dir=android/app/src/main/kotlin/eu/kiesdag/chair
shared_sources=("$app_dir"/core/*.kt "$app_dir"/net/*.kt)

# The Android app's core and transport must stay free of android.*: that is what lets
# them run here.
if grep -n -E '^import +android(x)?\.' "${shared_sources[@]}"; then
  echo "FAIL: the app's core or net imports android.* (above); they must stay plain Kotlin" >&2
  exit 1
fi
for f in "$bindings/kotlin/eu/kiesdag/shared/ffi/shared.kt" "$bindings/kotlin-types/eu/kiesdag/shared/types/Types.kt" target/debug/libshared.so target/debug/kiesdag; do
  [[ -e $f ]] || { echo "FAIL: $f missing (make bindings; cargo build --bin kiesdag)" >&2; exit 1; }
done

kotlinc() { "$kotlin/bin/kotlinc-jvm" -nowarn -jvm-target 17 "$@"; }
hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# The bindings change only with the core: compiled once per content.
scripts/patch-kotlin-bindings.sh "$bindings/kotlin" "$out/kotlin-ffi"
mapfile -t binding_sources < <(find "$out/kotlin-ffi" "$bindings/kotlin-types" -name '*.kt' | sort)
bindings_jar="$out/bindings-$(hash_of "${binding_sources[@]}").jar"
if [[ ! -f $bindings_jar ]]; then
  rm -rf "$out"/bindings-*.jar
  echo "jvm-proof: compiling the generated bindings and types (${#binding_sources[@]} files)"
  start=$SECONDS
  kotlinc -cp "$jna" "${binding_sources[@]}" -d "$out/building.jar"
  mv "$out/building.jar" "$bindings_jar"
  echo "jvm-proof: bindings compiled in $((SECONDS - start)) s"
fi

mapfile -t proof_sources < <(ls "${shared_sources[@]}" tests/jvm/src/*.kt | sort)
proof_jar="$out/proof-$(hash_of "$bindings_jar" "${proof_sources[@]}").jar"
if [[ ! -f $proof_jar ]]; then
  rm -rf "$out"/proof-*.jar
  echo "jvm-proof: compiling the app's core and the proof: ${proof_sources[*]}"
  start=$SECONDS
  kotlinc -cp "$jna:$okhttp:$bindings_jar" "${proof_sources[@]}" -d "$out/building.jar"
  mv "$out/building.jar" "$proof_jar"
  echo "jvm-proof: compiled in $((SECONDS - start)) s"
fi

exec java -Djna.library.path="$root/target/debug" \
  -cp "$proof_jar:$bindings_jar:$jna:$okhttp:$kotlin/lib/kotlin-stdlib.jar" \
  eu.kiesdag.jvmproof.MainKt --kiesdag "$root/target/debug/kiesdag"
