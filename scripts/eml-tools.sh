#!/usr/bin/env bash
# The Kiesraad's own EML_NL tools on Kiesdag's export: eml-validator and eml2csv of
# the eml-nl crate at the version the server uses (=0.7.0, feature bin-utils), built
# once into .cache/eml-nl-0.7.0 (a minute or two on 2 cores; later runs reuse them),
# then the EML test that exports Assen's count runs them on it: the validator in its
# strict mode must take it without a warning, and eml2csv must convert it with Assen's
# candidate lists to the Kiesraad's osv4-3 file (candidate rows aside). A few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO=${CARGO:-cargo}
root=.cache/eml-nl-0.7.0
if [[ ! -x $root/bin/eml-validator || ! -x $root/bin/eml2csv ]]; then
  echo "building eml-validator and eml2csv (eml-nl 0.7.0) into $root" >&2
  mkdir -p .cache
  log=.cache/eml-nl-build.log
  built=
  # Twice at most: a dropped download is not a failed test. The build's output goes to
  # a log, shown when both attempts fail, with the free disk space.
  for attempt in 1 2; do
    if "$CARGO" install eml-nl --version =0.7.0 --features bin-utils --locked \
      --root "$root" --target-dir .cache/eml-nl-build >"$log" 2>&1; then
      built=yes
      break
    fi
    echo "eml-tools: building eml-nl failed (attempt $attempt)" >&2
  done
  rm -rf .cache/eml-nl-build
  if [[ -z $built ]]; then
    tail -n 40 "$log" >&2
    df -h . >&2
    exit 1
  fi
fi
# The workspace and features of rust-tests, so that nothing is compiled again.
EML_NL_TOOLS="$PWD/$root/bin" scripts/cargo-test.sh --workspace --all-features --test eml \
  -- --exact assens_count_exports_as_the_kiesraads_and_passes_its_tools --nocapture
