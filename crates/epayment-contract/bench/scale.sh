#!/usr/bin/env bash
# How the contract suite's time grows with the number of scenarios: the features (and their
# snapshots) copied x1, x10 and x30 under new names, run side by side by hyperfine with the
# harness's binary (`epayment-contract`, dev profile, as `cargo xtask contract` builds it), warm.
# Usage: bash crates/epayment-contract/bench/scale.sh [runs]   (needs hyperfine)
# With BASELINE=<another build of the contract binary>, that build runs side by side too
# (x10 and x30), for a before-and-after on the same machine at the same time; with
# BASELINE_ROOT=<a checkout of that build's commit> it runs on that checkout's features and
# snapshots (an older build may not know today's steps), so compare each further scenario.
# With EXPORT=<file>, hyperfine writes its figures there as JSON as well.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
runs=${1:-3}
cd "$root"
# --workspace, as `cargo test --workspace` builds it: with -p alone cargo would pick other
# features for the dependencies and build them again.
# The harness's binary comes with the test that runs it (cargo builds a package's binaries for
# its integration tests), as `cargo xtask contract` builds it.
cargo test -q --workspace --test contract --no-run 2>/dev/null
binary="${CARGO_TARGET_DIR:-$root/target}/debug/epayment-contract"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
copies() { # from (a checkout), to, times
  mkdir -p "$2/features" "$2/snapshots"
  for i in $(seq 1 "$3"); do
    for feature in "$1"/features/*.feature; do
      stem=$(basename "$feature" .feature)
      cp "$feature" "$2/features/${stem}_$i.feature"
      for snap in "$1"/features/snapshots/"$stem"__*.snap; do
        if [ -e "$snap" ]; then cp "$snap" "$2/snapshots/${stem}_${i}__${snap##*/${stem}__}"; fi
      done
    done
  done
}
for times in 1 10 30; do
  copies "$root" "$work/x$times" "$times"
  if [ -n "${BASELINE_ROOT:-}" ]; then copies "$BASELINE_ROOT" "$work/base-x$times" "$times"; fi
done
scenarios=$("$binary" --features "$work/x1/features" --snapshots "$work/x1/snapshots" --junit "$work/j.xml" \
  | grep -o 'contract: [0-9]* passed' | grep -o '[0-9]*')
echo "scenarios per copy: $scenarios"
if [ -n "${BASELINE_ROOT:-}" ]; then
  base="$work/base-"
  base_scenarios=$("$BASELINE" --features "${base}x1/features" --snapshots "${base}x1/snapshots" --junit "$work/jb.xml" \
    | grep -o 'contract: [0-9]* passed' | grep -o '[0-9]*')
  echo "scenarios per copy, baseline: $base_scenarios"
else
  base="$work/"
fi
commands=()
for times in 1 10 30; do
  commands+=(-n "x$times" "$binary --features $work/x$times/features --snapshots $work/x$times/snapshots --junit $work/j$times.xml")
  if [ -n "${BASELINE:-}" ] && [ "$times" != 1 ]; then
    commands+=(-n "x$times baseline" "$BASELINE --features ${base}x$times/features --snapshots ${base}x$times/snapshots --junit $work/jb$times.xml")
  fi
done
hyperfine -w 1 -r "$runs" -N ${EXPORT:+--export-json "$EXPORT"} "${commands[@]}"
