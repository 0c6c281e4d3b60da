-- wrk reporter: one machine-readable line that build.sh turns into the benchmark table.
-- RESULT <requests/s> <p50 ms> <p95 ms> <p99 ms> <errors> <requests>
-- Errors count failed connections, reads, writes, timeouts and any HTTP status >= 400.
-- PAYTRUST_BENCH_BODY, when set, names a JSON file: every request is then a POST of that body.
local api_key = os.getenv("PAYTRUST_BENCH_API_KEY")
if api_key ~= nil and api_key ~= "" then
  wrk.headers["X-API-Key"] = api_key
end

local body_file = os.getenv("PAYTRUST_BENCH_BODY")
if body_file ~= nil and body_file ~= "" then
  local file = assert(io.open(body_file, "rb"))
  wrk.method = "POST"
  wrk.body = file:read("*a")
  wrk.headers["Content-Type"] = "application/json"
  file:close()
end

done = function(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  io.write(string.format("RESULT %.1f %.3f %.3f %.3f %d %d\n",
    summary.requests / (summary.duration / 1000000),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors, summary.requests))
end
