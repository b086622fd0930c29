#!/bin/sh
# The classic-bug benchmark on libc++ 14: every program and its fixed twin built with
# semfuzz_add_instrumented_program(... STDLIB libc++) (classic_NAME_libcxx and
# classic_NAME_libcxx_fixed in bench/classic/CMakeLists.txt, outside `all`: this script builds
# them), then, per program, the schedules up to and including the first that fails, for the
# random walk (at most 100,000) and PCT depth 3 (at most 20,000), seeds 1 to 5 (each seed S the
# stream -random_seed=S*2^32, as `scripts/semfuzz bench --classic`), on an empty input (a whole
# program's input is all choice bytes); and the fixed twin's failures in 10,000 schedules of each
# chooser, which must be 0. One line per program.
# Usage: bench/classic/libcxx_check.sh [BUILD_DIR] (default build/asan-fuzz). Exit status 1 if a
# fixed twin failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build/asan-fuzz}
bin=$build/bench/classic
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
: >"$out/empty"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
targets=""
for src in "$here"/*.cc; do
  name=$(basename "$src" .cc)
  targets="$targets classic_${name}_libcxx_replay classic_${name}_libcxx_fixed_replay"
done
# shellcheck disable=SC2086
cmake --build "$build" --target $targets >"$out/build.log" 2>&1 || {
  tail -20 "$out/build.log"
  exit 2
}
# The schedule of the first failure ("first at schedule K" of the replay's summary), or >CAP.
first_failure() {
  "$bin/classic_$1_libcxx_replay" -random_schedules="$3" -stop_at_failure=1 -chooser="$2" \
    -random_seed="$(($4 * 4294967296))" -artifact_prefix="$out/" "$out/empty" 2>&1 |
    sed -n 's/.*first at schedule \([0-9]*\).*/\1/p' | grep . || echo ">$3"
}
status=0
for src in "$here"/*.cc; do
  name=$(basename "$src" .cc)
  line="$name |"
  for chooser in random pct:3; do
    cap=100000
    [ "$chooser" = pct:3 ] && cap=20000
    line="$line $chooser:"
    for seed in 1 2 3 4 5; do line="$line $(first_failure "$name" "$chooser" "$cap" "$seed")"; done
    line="$line |"
  done
  for chooser in random pct:3; do
    failed=$("$bin/classic_${name}_libcxx_fixed_replay" -random_schedules=10000 -chooser="$chooser" \
      "$out/empty" 2>&1 | sed -n 's/.*run, \([0-9]*\) failed.*/\1/p')
    [ "$failed" = 0 ] || status=1
    line="$line fixed $chooser: ${failed:-?} failed in 10000 |"
  done
  echo "$line"
done
exit $status
