#!/bin/sh
# Native check of the classic-bug benchmark: builds every program twice with the system's C++
# compiler (as written, and with -DFIXED), runs each RUNS times on real threads (a run stopped
# after 2 s counts as a hang: the deadlocks), and prints one line per program: how often the
# buggy version failed or hung, and the same for its fixed twin, which must be 0.
# Usage: bench/classic/native_check.sh [RUNS] (default 200). Exit status 1 if a fixed twin failed.
set -u
runs=${1:-200}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
printf '%-26s %14s %14s\n' program "bug fails" "fixed fails"
for src in "$here"/*.cc; do
  name=$(basename "$src" .cc)
  ${CXX:-c++} -std=c++20 -O1 -pthread -o "$out/$name" "$src" || exit 2
  ${CXX:-c++} -std=c++20 -O1 -pthread -DFIXED -o "$out/${name}_fixed" "$src" || exit 2
  bug=0
  fixed=0
  i=0
  while [ "$i" -lt "$runs" ]; do
    timeout 2 "$out/$name" >/dev/null 2>&1 || bug=$((bug + 1))
    timeout 2 "$out/${name}_fixed" >/dev/null 2>&1 || fixed=$((fixed + 1))
    i=$((i + 1))
  done
  [ "$fixed" -eq 0 ] || status=1
  printf '%-26s %9d/%-4d %9d/%-4d\n' "$name" "$bug" "$runs" "$fixed" "$runs"
done
exit $status
