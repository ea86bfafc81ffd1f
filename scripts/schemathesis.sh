#!/usr/bin/env bash
# API fuzzing of a real `kiesdag serve` with schemathesis, from docs/openapi.json.
#
# Installs schemathesis into a venv under .cache/ (once), builds the server, starts it on
# a temporary SQLite file on a free loopback port, seeds an election with the GR2026
# stations and one user per role, then runs schemathesis once per caller
# (administrator, coordinator, manager, viewer, and no token) with the
# `not_a_server_error` check: no answer may be a 5xx. Afterwards the server's log is
# searched for panics. Every failure is listed (schemathesis prints each with a curl
# command that reproduces it) and the script exits non-zero if there was any.
#
# Environment:
#   API_FUZZ_EXAMPLES   examples per operation and phase (default 30)
#   API_FUZZ_SEED       schemathesis' seed (default 1, so runs are repeatable)
#   API_FUZZ_ROLES      callers to run as (default "administrator coordinator manager viewer anonymous")
#   API_FUZZ_CHECKS     checks (default not_a_server_error); e.g. "all" for every check
#   API_FUZZ_OUT        folder for the logs and reports (default a temporary folder, kept)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
CARGO=${CARGO:-cargo}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
VENV="$ROOT/.cache/schemathesis"
ST_VERSION=4.32.5
EXAMPLES=${API_FUZZ_EXAMPLES:-30}
SEED=${API_FUZZ_SEED:-1}
ROLES=${API_FUZZ_ROLES:-administrator coordinator manager viewer anonymous}
CHECKS=${API_FUZZ_CHECKS:-not_a_server_error}
MUNICIPALITY=GM0599
PASSWORD="api fuzzing password"
SODS=data/nl_stembureaus_SODS1.7_GR2026_wims_snapshot_20260121.csv

# 1. schemathesis, in its own venv (python3-venv from Debian if missing).
if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$ST_VERSION"; then
    if ! python3 -m venv --help >/dev/null 2>&1; then
        apt-get update -qq && apt-get install -y -qq python3-venv
    fi
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$ST_VERSION"
fi

# 2. The server, as the other suites build it (so nothing is compiled twice in make test,
#    which sets BUILD_WITH_TESTS=--tests: the Makefile says why).
$CARGO build -q --workspace --all-features ${BUILD_WITH_TESTS:-} --bin kiesdag
KIESDAG="$TARGET_DIR/debug/kiesdag"

OUT=${API_FUZZ_OUT:-$(mktemp -d /tmp/kiesdag-api-fuzz.XXXXXX)}
mkdir -p "$OUT"
DB="$OUT/kiesdag.db"
rm -f "$DB" "$DB-wal" "$DB-shm"
LOG="$OUT/server.log"
echo "api-fuzz: logs and reports in $OUT"

# 3. An election, its stations and one user per role.
"$KIESDAG" --db "$DB" election init --id GR2026 --name "Gemeenteraad 2026" --date 2026-03-18 \
    --lists "VVD;GL-PvdA;D66" >"$OUT/seed.log" 2>&1
"$KIESDAG" --db "$DB" import stations "$SODS" --election GR2026 >>"$OUT/seed.log" 2>&1
for role in administrator coordinator manager viewer; do
    echo "$PASSWORD" | "$KIESDAG" --db "$DB" user create --username "fuzz-$role" --role "$role" \
        --municipality "$MUNICIPALITY" >>"$OUT/seed.log" 2>&1
done

# 4. The server on a free loopback port (it prints the address it got).
SERVER_PID=
stop_server() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" && wait "$SERVER_PID" 2>/dev/null || true
    fi
}
trap stop_server EXIT
KIESDAG_JWT_SECRET="api-fuzz-secret-0123456789abcdef0123456789" RUST_LOG=${RUST_LOG:-warn} \
    RUST_BACKTRACE=1 "$KIESDAG" --db "$DB" serve --listen 127.0.0.1:0 >"$LOG" 2>&1 &
SERVER_PID=$!
BASE=
for _ in $(seq 1 100); do
    BASE=$(grep -o 'http://127.0.0.1:[0-9]*' "$LOG" | head -1 || true)
    [[ -n "$BASE" ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$LOG"; echo "api-fuzz: the server did not start"; exit 1; }
    sleep 0.1
done
[[ -n "$BASE" ]] || { cat "$LOG"; echo "api-fuzz: the server printed no address"; exit 1; }
echo "api-fuzz: server at $BASE"

token_for() {
    curl -sf -X POST "$BASE/api/login" -H 'content-type: application/json' \
        -d "{\"username\":\"fuzz-$1\",\"password\":\"$PASSWORD\"}" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

# Most generated path parameters name a real municipality or station (so requests get
# past the lookup into the handlers), the rest are generated. No incident exists, so
# incident ids are always generated.
CONFIG="$OUT/schemathesis.toml"
cat >"$CONFIG" <<TOML
[dictionaries.codes]
values = ["$MUNICIPALITY", "GM0363", "GM0014"]

[dictionaries.stations]
values = ["$MUNICIPALITY-1", "$MUNICIPALITY-100", "$MUNICIPALITY-102", "GM0363-1"]

[parameters]
"path.code" = { dictionary = "codes", probability = 0.8 }
"path.station" = { dictionary = "stations", probability = 0.8 }
TOML

# 5. schemathesis once per caller. Each run signs in first (tokens last 15 minutes).
failed=()
for role in $ROLES; do
    args=()
    if [[ "$role" != anonymous ]]; then
        args+=(-H "Authorization: Bearer $(token_for "$role")")
    fi
    echo "api-fuzz: === as $role ==="
    # From $OUT, where schemathesis keeps its state (`st replay ID` works there).
    if ! (cd "$OUT" && "$VENV/bin/schemathesis" --config-file "$CONFIG" run "$ROOT/docs/openapi.json" --url "$BASE" \
        --checks "$CHECKS" --max-examples "$EXAMPLES" --seed "$SEED" \
        --continue-on-failure \
        --report junit --report-dir "$OUT/$role" \
        --no-color "${args[@]}") 2>&1 | tee "$OUT/$role.log"; then
        failed+=("$role")
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "api-fuzz: the server died"; failed+=("server died"); break; }
done
stop_server

# 6. Panics in the server's log.
if grep -n -E "panicked" "$LOG" >"$OUT/panics.txt"; then
    echo "api-fuzz: panics in the server's log ($LOG):"
    cat "$OUT/panics.txt"
    failed+=("panics")
fi

if ((${#failed[@]})); then
    echo "api-fuzz: FAILED: ${failed[*]} (details in $OUT)"
    exit 1
fi
echo "api-fuzz: no server errors and no panics ($ROLES)"
