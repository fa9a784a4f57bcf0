#!/usr/bin/env bash
# Captures per second, side by side in one run, driven by one load generator (wrk):
#   - a bare hyper stub with a canned answer on the same kind of front (the upper bound: no
#     routing, no state, no checks),
#   - the standalone simulator (stateful, every request checked against the document), with
#     --no-rate-limits: the API allows 5 captures a minute per payment, and this load sends
#     tens of thousands a second to one payment,
#   - Prism (`prism mock openapi/epayment.yaml`, stateless, from npm).
# Needs wrk (Debian: apt-get install wrk) and npm. Figures go in BENCHMARKS.md.
# Usage: bash crates/epayment-sim/bench/throughput.sh [seconds per target, default 10]
set -euo pipefail
seconds=${1:-10}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
prism_dir=${PRISM_DIR:-/tmp/epayment-prism}

command -v wrk >/dev/null || { echo "error: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
if [ ! -x "$prism_dir/node_modules/.bin/prism" ]; then
  mkdir -p "$prism_dir" && (cd "$prism_dir" && npm install --silent @stoplight/prism-cli@5)
fi
(cd "$root" && cargo build --quiet --release -p epayment-sim --bin epayment-sim --example bare_stub)

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; }
trap cleanup EXIT
"$root/target/release/epayment-sim" --no-rate-limits --port 18085 >/dev/null 2>&1 & pids+=($!)
"$root/target/release/examples/bare_stub" 18087 >/dev/null 2>&1 & pids+=($!)
"$prism_dir/node_modules/.bin/prism" mock "$root/openapi/epayment.yaml" -p 18086 >/dev/null 2>&1 & pids+=($!)
for port in 18085 18086 18087; do
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
done

sim=http://127.0.0.1:18085
TOKEN=$(curl -s -X POST "$sim/accesstoken/get" -H 'client_id: sim-client-id' -H 'client_secret: sim-client-secret' \
  -H 'Ocp-Apim-Subscription-Key: sim-subscription-key' | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
export TOKEN
headers=(-H "Authorization: Bearer $TOKEN" -H 'Ocp-Apim-Subscription-Key: sim-subscription-key'
         -H 'Merchant-Serial-Number: 123456' -H 'Content-Type: application/json')
# The largest payment there is, so that every 1-øre capture of the run succeeds.
curl -s -o /dev/null -X POST "$sim/epayment/v1/payments" "${headers[@]}" -H 'Idempotency-Key: bench-create' \
  -d '{"amount":{"currency":"NOK","value":65000000},"paymentMethod":{"type":"WALLET"},"reference":"order-1234-abcd","userFlow":"QR"}'
curl -s -o /dev/null -X POST "$sim/epayment/v1/test/payments/order-1234-abcd/approve" "${headers[@]}" \
  -d '{"customer":{"phoneNumber":"4712345678"}}'

for target in "bare-hyper-stub http://127.0.0.1:18087 /epayment/v1/payments/order-1234-abcd/capture" \
              "epayment-sim http://127.0.0.1:18085 /epayment/v1/payments/order-1234-abcd/capture" \
              "prism http://127.0.0.1:18086 /v1/payments/order-1234-abcd/capture"; do
  set -- $target
  printf '%-20s ' "$1"
  CAPTURE_PATH=$3 wrk -t1 -c16 -d"${seconds}s" -s "$here/capture.lua" "$2" | grep 'requests/s'
done
curl -s "$sim/epayment/v1/payments/order-1234-abcd" "${headers[@]}" | sed 's/.*"capturedAmount":{[^}]*"value":\([0-9]*\).*/simulator captured: \1 øre/'
