#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each, one after the other,
# and prints the executions per target. Fails on the first crash, leaving the input
# under $CARGO_TARGET_DIR/fuzz/artifacts/TARGET/.
#
#   fuzz/run.sh 5                 # smoke: 5 s per target (CI)
#   fuzz/run.sh 600 billing       # one target for ten minutes
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`); runs on the stable toolchain with
# RUSTC_BOOTSTRAP=1. Built without a sanitizer: the code under test has no `unsafe`,
# and panics, overflows (overflow checks are on) and failed invariants are the crashes.
# Built through fuzz/rustc-wrapper.sh, which leaves a few third-party crates (the
# Aho-Corasick builder) uninstrumented. The committed seeds are in fuzz/seeds/TARGET/;
# the growing corpus is kept in $CARGO_TARGET_DIR/fuzz/corpus/TARGET/ (not committed).
# Reproduce a crash (from fuzz/; without the wrapper it builds and behaves the same,
# only slower) with
#   RUSTC_BOOTSTRAP=1 RUSTC_WRAPPER=$PWD/rustc-wrapper.sh RUSTFLAGS=--cfg=fuzz_rustc_wrapper \
#     cargo fuzz run -O -s none TARGET path/to/crash-file
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
secs=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
tgt=${CARGO_TARGET_DIR:-$(cd .. && pwd)/target}
export CARGO_TARGET_DIR=$tgt/fuzz RUSTC_BOOTSTRAP=1 RUSTC_WRAPPER=$PWD/rustc-wrapper.sh
# Cargo does not rebuild when only the wrapper changes: a flag of its own in RUSTFLAGS
# (part of the fingerprint) makes a target directory built without it rebuild.
export RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }--cfg=fuzz_rustc_wrapper"

# Longest input (-max_len) per target: 16 KiB, less where longer inputs only cost time.
# Operation sequences are capped in the targets (each operation re-checks the whole
# ledger or checklist); the length left is room for a JSON document (the seeds fit).
# Rule and model documents: compile and load time grow with the phrases and features.
max_len() {
  case $1 in
    ledger_ops) echo 1024 ;;
    ticket_rules_json) echo 2048 ;;
    checklist_json) echo 4096 ;;
    ticket_model_json) echo 8192 ;;
    *) echo 16384 ;;
  esac
}
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  mapfile -t targets < <(cargo fuzz list)
fi
cargo fuzz build -O -s none >/dev/null
summary=()
for t in "${targets[@]}"; do
  corpus=$CARGO_TARGET_DIR/corpus/$t
  artifacts=$CARGO_TARGET_DIR/artifacts/$t
  mkdir -p "$corpus" "$artifacts" seeds/"$t"
  log=$CARGO_TARGET_DIR/$t.log
  echo "== $t: ${secs}s" >&2
  if ! cargo fuzz run -O -s none "$t" "$corpus" "seeds/$t" -- \
      -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$t")" \
      -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1; then
    tail -40 "$log" >&2
    echo "fuzz target $t crashed; input in $artifacts/" >&2
    exit 1
  fi
  runs=$(grep -a -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  rate=$(grep -a -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  corp=$(grep -a -o 'DONE .* corp: [0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  summary+=("$(printf '%-22s %12s executions in %ss (%s exec/s), corpus %s, 0 crashes' \
    "$t" "$runs" "$secs" "$rate" "$corp")")
done
printf '%s\n' "${summary[@]}"
