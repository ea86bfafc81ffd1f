#!/usr/bin/env bash
# The native shells against the generated bindings: no Swift compiler and no Android
# SDK here, so this checks that every CoreFfi method, type, enum case, Event label and
# field the iOS (Swift) and Android (Kotlin) sources use is in bindings/swift*,
# bindings/kotlin*, that their switches cover every case, that every Page has its
# screen, and that every text key is in both languages (scripts/check-shell-bindings.py).
# Usage: scripts/check-swift-shell.sh [bindings]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-bindings}
for f in "$dir/swift/SharedFFI.swift" "$dir/swift-types/SharedTypes/Sources/SharedTypes/SharedTypes.swift" \
  "$dir/kotlin/eu/kiesdag/shared/ffi/shared.kt" "$dir/kotlin-types/eu/kiesdag/shared/types/Types.kt"; do
  [[ -f $f ]] || { echo "swift-check: $f missing; run make bindings" >&2; exit 1; }
done
if ! command -v python3 >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 >/dev/null
fi
python3 "$root/scripts/check-shell-bindings.py" "$dir" "$root"
