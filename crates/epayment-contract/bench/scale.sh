#!/usr/bin/env bash
# How the contract suite's time grows with the number of scenarios: the features (and their
# snapshots) copied x1, x10 and x30 under new names, run side by side by hyperfine with the
# test binary `cargo test` and `cargo xtask contract` build (dev profile), warm.
# Usage: bash crates/epayment-contract/bench/scale.sh [runs]   (needs hyperfine)
# With BASELINE=<another build of the contract binary>, that build runs side by side too
# (x10 and x30), for a before-and-after on the same machine at the same time.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
runs=${1:-3}
cd "$root"
binary=$(cargo test -q -p epayment-contract --test contract --no-run --message-format json 2>/dev/null \
  | grep -o '"executable":"[^"]*contract-[^"]*"' | tail -1 | cut -d'"' -f4)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for times in 1 10 30; do
  dir="$work/x$times"
  mkdir -p "$dir/features" "$dir/snapshots"
  for i in $(seq 1 "$times"); do
    for feature in features/*.feature; do
      stem=$(basename "$feature" .feature)
      cp "$feature" "$dir/features/${stem}_$i.feature"
      for snap in features/snapshots/"$stem"__*.snap; do
        cp "$snap" "$dir/snapshots/${stem}_${i}__${snap##*/${stem}__}"
      done
    done
  done
done
scenarios=$("$binary" --features "$work/x1/features" --snapshots "$work/x1/snapshots" --junit "$work/j.xml" \
  | grep -o 'contract: [0-9]* passed' | grep -o '[0-9]*')
echo "scenarios per copy: $scenarios"
commands=()
for times in 1 10 30; do
  commands+=(-n "x$times" "$binary --features $work/x$times/features --snapshots $work/x$times/snapshots --junit $work/j$times.xml")
  if [ -n "${BASELINE:-}" ] && [ "$times" != 1 ]; then
    commands+=(-n "x$times baseline" "$BASELINE --features $work/x$times/features --snapshots $work/x$times/snapshots --junit $work/jb$times.xml")
  fi
done
hyperfine -w 1 -r "$runs" -N "${commands[@]}"
