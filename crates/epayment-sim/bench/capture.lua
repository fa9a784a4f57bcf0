-- One capture of 1 øre per request, each with a fresh Idempotency-Key.
local counter = 0
local thread_id = 0
setup = function(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
end
wrk.method = "POST"
wrk.body = '{"modificationAmount":{"currency":"NOK","value":1}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("TOKEN") or "none")
wrk.headers["Ocp-Apim-Subscription-Key"] = "sim-subscription-key"
wrk.headers["Merchant-Serial-Number"] = "123456"
request = function()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = "bench-" .. tostring(id) .. "-" .. counter
  return wrk.format(nil, os.getenv("CAPTURE_PATH"))
end
done = function(summary, latency, requests)
  io.write(string.format("requests/s: %.0f  non-2xx/3xx: %d  p50: %.2f ms  p99: %.2f ms\n",
    summary.requests / (summary.duration / 1e6), summary.errors.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
