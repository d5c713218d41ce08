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
# The committed seeds are in fuzz/seeds/TARGET/; the growing corpus is kept in
# $CARGO_TARGET_DIR/fuzz/corpus/TARGET/ (not committed). Reproduce a crash with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run -O -s none TARGET path/to/crash-file
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
secs=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
tgt=${CARGO_TARGET_DIR:-$(cd .. && pwd)/target}
export CARGO_TARGET_DIR=$tgt/fuzz RUSTC_BOOTSTRAP=1
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
      -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
      -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1; then
    tail -40 "$log" >&2
    echo "fuzz target $t crashed; input in $artifacts/" >&2
    exit 1
  fi
  runs=$(grep -a -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  summary+=("$(printf '%-22s %12s executions in %ss, 0 crashes' "$t" "$runs" "$secs")")
done
printf '%s\n' "${summary[@]}"
