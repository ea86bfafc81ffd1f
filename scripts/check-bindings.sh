#!/usr/bin/env bash
# Checks that `make bindings` produced the Kotlin and Swift bindings and types, and
# that they hold what the shells call: the FFI object with update/resolve/view, its
# typed error, and the app's Event, Effect and ViewModel types.
set -euo pipefail
dir=${1:-bindings}
fail=0
expect() { # file, pattern, what
  if ! grep -q -E "$2" "$1" 2>/dev/null; then
    echo "bindings-check: $3 missing in $1" >&2
    fail=1
  fi
}
kt="$dir/kotlin/eu/kiesdag/shared/ffi/shared.kt"
kt_types="$dir/kotlin-types/eu/kiesdag/shared/types/Types.kt"
swift="$dir/swift/SharedFFI.swift"
swift_types="$dir/swift-types/SharedTypes/Sources/SharedTypes/SharedTypes.swift"
expect "$kt" 'open class CoreFfi' 'Kotlin CoreFfi'
expect "$kt" 'fun `update`\(`event`: kotlin.ByteArray\)' 'Kotlin CoreFfi.update(ByteArray)'
expect "$kt" 'fun `resolve`\(`id`: kotlin.UInt, `output`: kotlin.ByteArray\)' 'Kotlin CoreFfi.resolve(UInt, ByteArray)'
expect "$kt" 'fun `view`\(\)' 'Kotlin CoreFfi.view()'
expect "$kt" 'sealed class CoreException' 'Kotlin CoreException'
expect "$swift" 'open class CoreFfi' 'Swift CoreFfi'
expect "$swift" 'func update\(event: Data\) throws' 'Swift CoreFfi.update(Data) throws'
expect "$swift" 'func resolve\(id: UInt32, output: Data\) throws' 'Swift CoreFfi.resolve(UInt32, Data) throws'
expect "$swift" 'func view\(\) throws' 'Swift CoreFfi.view() throws'
expect "$swift" 'enum CoreError' 'Swift CoreError'
for t in 'ViewModel' 'Event' 'Effect' 'Page' 'WebSocketOperation' 'WebSocketEvent' 'Requests'; do
  expect "$kt_types" "(class|interface) $t\b" "Kotlin type $t"
  expect "$swift_types" "(struct|enum|class) $t\b" "Swift type $t"
done
if [[ $fail -ne 0 ]]; then exit 1; fi
echo "bindings-check: Kotlin and Swift bindings and types are complete"
