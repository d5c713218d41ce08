#!/usr/bin/env bash
# RUSTC_WRAPPER for the fuzz build (set by fuzz/run.sh): compiles the crates listed
# below without libFuzzer's coverage instrumentation, everything else as cargo-fuzz
# asks. These are third-party crates whose internals are not under test and whose
# instrumented code dominated the slow targets: the Aho-Corasick automaton builder,
# run for every rule set the ticket targets compile, was ~8× slower instrumented and
# filled the corpus with automaton shapes instead of EstateKit paths. Their generic
# code instantiated in EstateKit (e.g. the search loop) is still instrumented.
#
#   $1 is the real rustc; the rest are its arguments.
set -euo pipefail
uninstrumented=(aho_corasick)
rustc=$1
shift
crate=
prev=
for a in "$@"; do
  if [[ $prev == --crate-name ]]; then
    crate=$a
    break
  fi
  prev=$a
done
for c in "${uninstrumented[@]}"; do
  if [[ $crate == "$c" ]]; then
    args=()
    for a in "$@"; do
      case $a in
        -Cpasses=sancov-module | -Cllvm-args=-sanitizer-coverage-*) ;;
        *) args+=("$a") ;;
      esac
    done
    exec "$rustc" "${args[@]}"
  fi
done
exec "$rustc" "$@"
