# Kiesdag: two commands to start.
#   make demo   sets up and runs the demo
#   make test   sets up and runs every test suite of the repository
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo
BINDINGS ?= bindings

.PHONY: demo demo-core test setup fmt-check clippy rust-tests postgres-tests eml-tools core-purity bindings bindings-check bench bench-core bench-server

# The server on an embedded SQLite file (./kiesdag-demo.db), with one simulated device
# per Rotterdam polling station driving the real chair's core through a compressed
# election day, but the first: the demo prints its code and the chair's app's address
# (http://127.0.0.1:8080/chair/?code=...) for a person to be its chair in a browser.
# DEMO_MINUTES sets the day's length.
DEMO_MINUTES ?= 10
demo: dashboard chair
	$(CARGO) build --release -p kiesdag --features demo
	./target/release/kiesdag demo --minutes $(DEMO_MINUTES)

# The chair's day through the core alone, printed screen by screen.
demo-core:
	$(CARGO) run --release -p shared --example chair_day

# CI builds once from a fresh clone: incremental caches would only cost disk there.
test: export CARGO_INCREMENTAL = 0
# The binaries the later suites run are built together with the test targets, so that
# Cargo resolves features as rust-tests did (dev-dependencies add features to shared
# crates such as serde) and reuses that build instead of compiling the workspace a
# second time: about two minutes and a gigabyte of disk less.
test: export BUILD_WITH_TESTS = --tests
test: export API_FUZZ_EXAMPLES = 15
test: setup fmt-check clippy core-purity bindings-check rust-tests postgres-tests eml-tools jvm-proof swift-check wasm-core chair-tests dashboard-tests fuzz-short api-fuzz
	@echo "make test: all suites passed"

# Everything the tests need beyond the Rust toolchain is installed here.
setup:
	@scripts/setup.sh

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --workspace --all-targets --all-features -- -D warnings

# Every Rust test; the server's run on SQLite files. The two-instance test needs
# PostgreSQL and runs in postgres-tests only.
rust-tests:
	@scripts/cargo-test.sh --workspace --all-features -- --skip a_report_on_one_instance

# The server's tests again, each on a fresh database of a real PostgreSQL that
# scripts/postgres.sh starts.
# Same workspace and features as rust-tests, so that nothing is compiled a second time.
SERVER_TESTS := $(patsubst server/tests/%.rs,--test %,$(wildcard server/tests/*.rs))
postgres-tests:
	@admin=$$(scripts/postgres.sh) && KIESDAG_TEST_POSTGRES="$$admin" scripts/cargo-test.sh --workspace --all-features $(SERVER_TESTS)

# The Kiesraad's own tools on Kiesdag's EML_NL export: eml-validator --strict and
# eml2csv of the eml-nl crate (=0.7.0, feature bin-utils), built once into
# .cache/eml-nl-0.7.0, run on Assen's count as `kiesdag export eml` writes it.
eml-tools:
	@CARGO=$(CARGO) scripts/eml-tools.sh

# The domain, validation and protocol depend on no web, database, runtime or FFI crate.
core-purity:
	@scripts/check-core-purity.sh

# Kotlin and Swift bindings (uniffi) and the shells' types (facet typegen), into
# gitignored folders under $(BINDINGS)/.
bindings:
	$(CARGO) build -p shared --features uniffi
	rm -rf $(BINDINGS)
	$(CARGO) run -q -p uniffi-bindgen -- generate --library target/debug/libshared.so --language kotlin --out-dir $(BINDINGS)/kotlin --no-format
	$(CARGO) run -q -p uniffi-bindgen -- generate --library target/debug/libshared.so --language swift --out-dir $(BINDINGS)/swift --no-format
	$(CARGO) run -q -p shared --features codegen --bin codegen -- --language kotlin --output-dir $(BINDINGS)/kotlin-types
	$(CARGO) run -q -p shared --features codegen --bin codegen -- --language swift --output-dir $(BINDINGS)/swift-types

bindings-check: bindings
	@scripts/check-bindings.sh $(BINDINGS)

bench: bench-core bench-server

# The server under 10,000 stations (real chair's cores) and 5,000 dashboards from the
# load generator (its own process), side by side with a bare actix-ws broadcast server
# measured in the same run. Figures and method: docs/benchmarks.md. BENCH_ARGS passes
# options (kiesdag-bench --help), e.g. BENCH_ARGS="--stations 2000 --dashboards 1000".
BENCH_ARGS ?=
bench-server:
	@command -v wrk >/dev/null || $$([ "$$(id -u)" = 0 ] || echo sudo) apt-get install -y -qq wrk >/dev/null
	$(CARGO) build --release -p kiesdag -p kiesdag-sim --bins
	./target/release/kiesdag-bench $(BENCH_ARGS)

bench-core:
	$(CARGO) bench -p shared --bench core

# The JVM proof (tests/jvm): the Android app's plain-Kotlin Core, its effect handlers
# and its OkHttp transport, with the generated Kotlin bindings, compiled by kotlinc-jvm
# and run on the JVM against the host libshared.so and a real `kiesdag serve` on
# SQLite. Installs its own tools (scripts/setup-jvm.sh: kotlin-compiler from npm into
# .cache/, JNA and OkHttp from Debian).
.PHONY: jvm-proof swift-check
jvm-proof: bindings
	$(CARGO) build --workspace --all-features $(BUILD_WITH_TESTS) --bin kiesdag
	@BINDINGS=$(BINDINGS) tests/jvm/run.sh

# The iOS and Android shells' sources against the generated Swift and Kotlin bindings
# (neither can be compiled here): every method, type, case, label and field they use
# exists, their switches are complete, every Page has its screen, every text key is
# in Dutch and English.
swift-check: bindings
	@scripts/check-swift-shell.sh $(BINDINGS)

# The web dashboard (web-dashboard/): installed from the committed package-lock.json,
# API types and page roles (src/api/roles.ts) regenerated from docs/openapi.json,
# type-checked and built into dist/, which `kiesdag serve` serves on its own port
# (KIESDAG_WEB_DIR to serve another folder).
.PHONY: dashboard dashboard-tests dashboard-bench dashboard-deps dashboard-chromium
dashboard:
	cd web-dashboard && npm ci --no-audit --no-fund && npm run gen-api && npm run build

# Debian's Chromium, installed if missing.
dashboard-chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium)

# What the browser tests run against: Chromium, the server, the test fixture, the
# scriptable station and the load generator (debug builds).
dashboard-deps: dashboard-chromium
	$(CARGO) build --workspace --all-features $(BUILD_WITH_TESTS) --bins

# Vitest unit tests, then end-to-end tests in Chromium against the real server with
# simulated stations, with axe-core on every page and the screenshots in
# docs/screenshots/, then the benchmark below at a fifth of its size (2,000 stations,
# 15 s, debug builds; about 40 s): it fails if a report never reaches the page.
dashboard-tests: dashboard dashboard-deps
	cd web-dashboard && npx vitest run && node e2e/run.mjs
	cd web-dashboard && npx vitest run --config bench/vitest.config.ts && BENCH_STATIONS=2000 BENCH_SECONDS=15 node e2e/bench-browser.mjs

# The control room under 10,000 stations and 200 updates a second: the state logic in
# Node, then the real page in Chromium against `kiesdag serve` (release build) with
# every station a real chair's core in kiesdag-load reporting at that rate for 30 s.
# Figures and method: docs/dashboard-benchmark.md.
dashboard-bench: dashboard dashboard-chromium
	$(CARGO) build --release -p kiesdag -p kiesdag-sim --bins
	cd web-dashboard && npx vitest run --config bench/vitest.config.ts && KIESDAG_PROFILE=release node e2e/bench-browser.mjs

# The chair's core as WebAssembly (web-chair/core, a byte-buffer ABI over the same
# bincode as the native shells' CoreFfi) into web-chair/core/pkg/chair_core.wasm, with
# Debian's rustc-web (installed when missing; rustup has no wasm32 std here), then a
# proof in Node that it starts, renders, stores, restores and refuses garbage
# (scripts/wasm-core-smoke.mjs). About 2 minutes cold on 2 cores.
.PHONY: wasm-core wasm-core-build
wasm-core:
	@scripts/wasm-core.sh --check

wasm-core-build:
	@scripts/wasm-core.sh

# The chair's app in the browser (web-chair/): the wasm core above, the shell's types
# generated from the core and its texts from the Android app's strings (npm run gen),
# installed from the committed package-lock.json and built into web-chair/dist, which
# `kiesdag serve` serves at /chair/ (KIESDAG_CHAIR_DIR to serve another folder).
.PHONY: chair chair-tests chair-bench
chair: wasm-core-build
	cd web-chair && npm ci --no-audit --no-fund && CARGO=$(CARGO) npm run gen && npm run build

# Vitest (the shell over the real wasm core; IndexedDB storage), then the chair's whole
# day in Chromium against the real server with the control room in a second context,
# offline and reloaded mid-day, axe-core on every screen at 360 and 820 px, screenshots
# in docs/screenshots/chair-*.png; then the start benchmark below.
chair-tests: chair dashboard dashboard-deps
	cd web-chair && npx vitest run && node e2e/run.mjs && node e2e/bench-start.mjs

# The wasm core's size (raw, gzip, brotli) and the first screen's time, cold and from
# the service worker, in Chromium (median of BENCH_RUNS, 5): printed, not asserted.
chair-bench: chair dashboard-deps
	cd web-chair && node e2e/bench-start.mjs

# Fuzzing (fuzz/, outside the workspace): libFuzzer on the stable toolchain through
# libfuzzer-sys, with coverage instrumentation, debug assertions and overflow checks
# (fuzz/run.sh says how). Targets: protocol_decode (the wire protocol's decoders on
# arbitrary frames), validate (every report's validation and StationDay::apply, as the
# server's writer runs them, on arbitrary elections, stations, days and reports),
# core_update (the chair's core under arbitrary events, clock, connection, storage and
# server frames). Nothing to install beyond the Rust toolchain and a C++ compiler.
# Corpora grow in fuzz/corpus/ (gitignored); a crash goes to fuzz/artifacts/TARGET/,
# ends the run, and is reproduced with `fuzz/run.sh repro TARGET FILE`.
.PHONY: fuzz-build fuzz-short fuzz-long api-fuzz
FUZZ_SECONDS ?= 30
FUZZ_HOURS ?= 2
FUZZ_JOBS ?= 2

fuzz-build:
	fuzz/run.sh build

# Each target for FUZZ_SECONDS (30 s); fails on a crash.
fuzz-short: fuzz-build
	FUZZ_JOBS=1 fuzz/run.sh run $(FUZZ_SECONDS)

# Each target for FUZZ_HOURS hours (2), in turn, on FUZZ_JOBS processes, going on past
# crashes; afterwards every crash is listed with its panic and the target fails, e.g.
#   make fuzz-long FUZZ_HOURS=8 FUZZ_JOBS=2
# To fuzz one target: fuzz/run.sh long SECONDS TARGET.
fuzz-long: fuzz-build
	FUZZ_JOBS=$(FUZZ_JOBS) fuzz/run.sh long $$(( $(FUZZ_HOURS) * 3600 ))

# The REST API of a real `kiesdag serve` (SQLite, seeded election, one user per role)
# fuzzed by schemathesis from docs/openapi.json, as every role and with no token:
# no answer may be a 5xx and the server's log must hold no panic. Installs schemathesis
# into .cache/schemathesis (once). API_FUZZ_EXAMPLES (30) bounds the examples per
# operation; the logs and a JUnit report per role go to API_FUZZ_OUT (a temporary folder).
api-fuzz:
	@scripts/schemathesis.sh
