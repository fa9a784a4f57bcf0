#!/usr/bin/env bash
# What the result formats (cucumber.json, messages.ndjson) cost a run: the features and their
# snapshots copied x10 and x30 (as scale.sh does), the harness's binary (`epayment-contract`,
# dev profile, as `cargo xtask contract` builds it) run directly, warm, by hyperfine, side by
# side: with the formats, with `--no-cucumber-json --no-messages`, and, with
# BASELINE=<the contract binary of an earlier build>, that build (it writes neither).
# Usage: bash crates/epayment-contract/bench/formats.sh [runs] [copies...]   (needs hyperfine;
# copies default to 10 and 30)
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
runs=${1:-5}
shift || true
copies=("${@:-10 30}")
# shellcheck disable=SC2206
copies=(${copies[*]})
cd "$root"
# The harness's binary comes with the test that runs it (cargo builds a package's binaries for
# its integration tests), as `cargo xtask contract` builds it.
cargo test -q --workspace --test contract --no-run 2>/dev/null
binary="${CARGO_TARGET_DIR:-$root/target}/debug/epayment-contract"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for times in "${copies[@]}"; do
  mkdir -p "$work/x$times/features" "$work/x$times/snapshots"
  for i in $(seq 1 "$times"); do
    for feature in features/*.feature; do
      stem=$(basename "$feature" .feature)
      cp "$feature" "$work/x$times/features/${stem}_$i.feature"
      for snap in features/snapshots/"$stem"__*.snap; do
        if [ -e "$snap" ]; then cp "$snap" "$work/x$times/snapshots/${stem}_${i}__${snap##*/${stem}__}"; fi
      done
    done
  done
done
commands=()
for times in "${copies[@]}"; do
  args="--features $work/x$times/features --snapshots $work/x$times/snapshots --junit $work/out$times/junit.xml"
  commands+=(-n "x$times formats" "$binary $args")
  commands+=(-n "x$times no formats" "$binary $args --no-cucumber-json --no-messages")
  if [ -n "${BASELINE:-}" ]; then
    commands+=(-n "x$times baseline" "$BASELINE --features $work/x$times/features --snapshots $work/x$times/snapshots --junit $work/base$times/junit.xml")
  fi
done
hyperfine -w 1 -r "$runs" -N "${commands[@]}"
ls -l "$work/out${copies[-1]}"
