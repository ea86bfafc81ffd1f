#!/usr/bin/env bash
# Builds the fuzz targets with libFuzzer on the stable toolchain and runs them.
#
#   fuzz/run.sh build                  build every target
#   fuzz/run.sh run SECONDS [TARGET..] run each target (default: all) for SECONDS,
#                                      failing on the first crash
#   fuzz/run.sh long SECONDS [TARGET..] the same on FUZZ_JOBS processes (default 2),
#                                      going on past crashes; then lists each crash
#                                      with its panic, and fails if there was any
#
# The build is what `cargo fuzz build -s none` does, without cargo-fuzz and without
# nightly: libfuzzer-sys links libFuzzer (built from its C++ source by the cc crate),
# and the flags below add the coverage instrumentation it needs (SanitizerCoverage,
# stable `-C passes`/`-C llvm-args`). There is no AddressSanitizer on stable, and the
# core has no unsafe code to need it; debug assertions and overflow checks stay on, so
# an arithmetic overflow is a crash. `--target` keeps build scripts and proc macros
# uninstrumented.
#
# Corpora grow in fuzz/corpus/TARGET (gitignored, kept between runs); the seeds in
# fuzz/seeds/TARGET (committed) are read too. A crash is written to
# fuzz/artifacts/TARGET/ and the run stops: reproduce it with
#   fuzz/run.sh repro TARGET fuzz/artifacts/TARGET/crash-...
# and minimise it with
#   fuzz/run.sh minimize TARGET fuzz/artifacts/TARGET/crash-...
#
# Environment: FUZZ_JOBS (fuzzing processes per target: 1 for run, 2 for long),
# FUZZ_OPTS (more libFuzzer flags), CARGO_TARGET_DIR.
set -euo pipefail

FUZZ_DIR=$(cd "$(dirname "$0")" && pwd)
cd "$FUZZ_DIR"
TARGETS=(protocol_decode validate core_update)
TRIPLE=$(rustc -vV | sed -n 's/^host: //p')
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$FUZZ_DIR/target}
BIN_DIR="$CARGO_TARGET_DIR/$TRIPLE/release"

build() {
    RUSTFLAGS="-Cpasses=sancov-module \
        -Cllvm-args=-sanitizer-coverage-level=4 \
        -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
        -Cllvm-args=-sanitizer-coverage-pc-table \
        -Cllvm-args=-sanitizer-coverage-trace-compares \
        --cfg fuzzing -Cdebug-assertions -Coverflow-checks" \
        cargo build --locked --release --target "$TRIPLE" --bins
}

options() {
    local target=$1
    local opts=(-rss_limit_mb=4096 -timeout=20 -print_final_stats=1)
    if [[ "$target" == protocol_decode ]]; then
        opts+=(-max_len=65536)
    else
        # Structured targets read their input as a sequence of choices: long inputs from
        # the start (libFuzzer otherwise grows them from 4 bytes, slowly at these rates).
        opts+=(-max_len=4096 -len_control=0)
    fi
    [[ -f "dicts/$target.dict" ]] && opts+=("-dict=dicts/$target.dict")
    echo "${opts[@]}"
}

run() {
    local seconds=$1
    shift
    local targets=("$@")
    ((${#targets[@]})) || targets=("${TARGETS[@]}")
    for target in "${targets[@]}"; do
        mkdir -p "corpus/$target" "artifacts/$target" "seeds/$target"
        echo "fuzz: $target for ${seconds}s"
        local jobs=()
        if [[ -n "${FUZZ_JOBS:-}" && "${FUZZ_JOBS}" != 1 ]]; then
            jobs=(-fork="$FUZZ_JOBS")
        fi
        # shellcheck disable=SC2046,SC2086
        "$BIN_DIR/$target" $(options "$target") ${FUZZ_OPTS:-} "${jobs[@]}" \
            -max_total_time="$seconds" -artifact_prefix="artifacts/$target/" \
            "corpus/$target" "seeds/$target" 2>&1 | grep -v -E '^#[0-9]+.*(NEW|REDUCE|pulse)' || {
            echo "fuzz: $target FAILED; the input is in fuzz/artifacts/$target/"
            return 1
        }
    done
}

# Every crash of TARGET in fuzz/artifacts/, each with where it panicked.
report() {
    local target=$1 found=0 file
    for file in "artifacts/$target"/crash-* "artifacts/$target"/timeout-* "artifacts/$target"/oom-*; do
        [[ -e "$file" && "$file" != *.min ]] || continue
        found=1
        echo "fuzz: $target: $file"
        FUZZ_STRICT=1 "$BIN_DIR/$target" "$file" 2>&1 | grep -m1 -A1 'panicked at' | sed 's/^/    /' || true
    done
    return "$found"
}

long() {
    local seconds=$1
    shift
    local targets=("$@") crashed=()
    ((${#targets[@]})) || targets=("${TARGETS[@]}")
    for target in "${targets[@]}"; do
        mkdir -p "corpus/$target" "artifacts/$target" "seeds/$target"
        echo "fuzz: $target for ${seconds}s on ${FUZZ_JOBS:-2} processes"
        # shellcheck disable=SC2046,SC2086
        "$BIN_DIR/$target" $(options "$target") ${FUZZ_OPTS:-} -fork="${FUZZ_JOBS:-2}" \
            -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
            -max_total_time="$seconds" -artifact_prefix="artifacts/$target/" \
            "corpus/$target" "seeds/$target" >"artifacts/$target.log" 2>&1 || true
        tail -n 3 "artifacts/$target.log"
        report "$target" || crashed+=("$target")
    done
    if ((${#crashed[@]})); then
        echo "fuzz: crashes in ${crashed[*]} (fuzz/artifacts/); reproduce with fuzz/run.sh repro TARGET FILE"
        return 1
    fi
}

case "${1:-}" in
build) build ;;
run)
    shift
    run "$@"
    ;;
long)
    shift
    long "$@"
    ;;
report)
    report "$2" && echo "fuzz: no crashes of $2"
    ;;
repro)
    FUZZ_DEBUG=1 "$BIN_DIR/$2" "$3"
    ;;
minimize)
    "$BIN_DIR/$2" -minimize_crash=1 -max_total_time="${4:-60}" \
        -exact_artifact_path="$3.min" "$3"
    echo "fuzz: minimised input in $3.min"
    ;;
*)
    sed -n '2,27p' "$0"
    exit 2
    ;;
esac
