#!/usr/bin/env bash
# Copies the uniffi Kotlin bindings to OUT and works around uniffi issue 1434: an error
# variant's field named `message` clashes with Throwable.message and the generated
# Kotlin does not compile. CoreError's field is renamed `detail` in the copy (the
# exception's `message` still carries the text). When shared/src/ffi.rs no longer
# names a field `message`, nothing matches and the copy is the bindings unchanged.
# Usage: scripts/patch-kotlin-bindings.sh [bindings/kotlin] OUT
set -euo pipefail
src=${1:-bindings/kotlin}
out=${2:?output folder}
rm -rf "$out"
mkdir -p "$out"
cp -r "$src"/. "$out"/
file="$out/eu/kiesdag/shared/ffi/shared.kt"
if [[ ! -f "$file" ]]; then
  echo "patch-kotlin-bindings: $file missing; run make bindings" >&2
  exit 1
fi
sed -i \
  -e 's/val `message`: kotlin\.String/val `detail`: kotlin.String/' \
  -e 's/message=\${ `message` }/${ `detail` }/' \
  -e 's/value\.`message`/value.`detail`/g' \
  "$file"
if grep -q 'val `message`' "$file"; then
  echo "patch-kotlin-bindings: a field named message is left in $file" >&2
  exit 1
fi
