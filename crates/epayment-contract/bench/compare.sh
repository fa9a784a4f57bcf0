#!/usr/bin/env bash
# What `--compare` costs beside a plain remote run of the same scenarios: both against one
# standalone sandbox (epayment-sim), side by side by hyperfine, with the harness's binary
# (`epayment-contract`, dev profile, as `cargo xtask contract` builds it), warm. The issue's
# bound: a comparison takes at most about twice a remote run.
# Usage: bash crates/epayment-contract/bench/compare.sh [runs]   (needs hyperfine)
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
runs=${1:-5}
cd "$root"
# Both built as `cargo test --workspace` builds them (cargo picks dependencies' features by the
# packages selected; -p alone would build many of them again).
# (The harness's binary comes with the test that runs it: cargo builds a package's binaries
# for its integration tests.)
cargo build -q --workspace --tests
target_dir=${CARGO_TARGET_DIR:-$root/target}
binary="$target_dir/debug/epayment-contract"
work=$(mktemp -d)
"$target_dir/debug/epayment-sim" --port 0 > "$work/sandbox.log" &
sandbox=$!
trap 'kill $sandbox; rm -rf "$work"' EXIT
until grep -q 'listening on' "$work/sandbox.log"; do sleep 0.1; done
url=$(head -1 "$work/sandbox.log" | sed 's/.*listening on //')
export VIPPS_CLIENT_ID=sim-client-id VIPPS_CLIENT_SECRET=sim-client-secret \
  VIPPS_SUBSCRIPTION_KEY=sim-subscription-key VIPPS_MERCHANT_SERIAL_NUMBER=123456
hyperfine -w 1 -r "$runs" -N \
  -n "remote run" "$binary --target $url --junit $work/remote/junit.xml" \
  -n "compare" "$binary --compare $url --junit $work/compare/junit.xml"
