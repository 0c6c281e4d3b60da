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

-- PAYTRUST_BENCH_PATHS, when set, names a file of paths, one per line: every request is a POST to the next
-- one, each path used once (wrk's threads take alternate lines), for scenarios that must not repeat a
-- resource (create-attempt: a second attempt on an invoice would only hand back the open one).
local paths_file = os.getenv("PAYTRUST_BENCH_PATHS")
local thread_count = 0
setup = function(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

local paths = nil
local next_path = 0
init = function(args)
  if paths_file == nil or paths_file == "" then
    return
  end
  local threads = tonumber(os.getenv("PAYTRUST_BENCH_THREADS") or "2")
  paths = {}
  local line_number = 0
  for line in io.lines(paths_file) do
    if line_number % threads == thread_index then
      paths[#paths + 1] = line
    end
    line_number = line_number + 1
  end
  wrk.method = "POST"
end

request = function()
  if paths == nil then
    return wrk.request()
  end
  next_path = next_path + 1
  -- Past the end the last path repeats; build.sh compares the request count with the lines to catch that.
  return wrk.format("POST", paths[math.min(next_path, #paths)])
end

done = function(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  io.write(string.format("RESULT %.1f %.3f %.3f %.3f %d %d\n",
    summary.requests / (summary.duration / 1000000),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors, summary.requests))
end
