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

-- PAYTRUST_BENCH_REQUESTS, when set, names a file of "body<TAB>signature" lines (signed sandbox webhooks, made by
-- the API binary's bench-webhooks verb): every request is a POST of the next body with its PayTrust-Signature
-- header, each line used once (threads take alternate lines), past the end the last one repeats. A file of one
-- line is shared by every thread: the same event replayed (webhook-duplicate). wrk calls request() once on its
-- first thread before the run to inspect the request, so the first line of a file is never sent (paths alike).
local requests_file = os.getenv("PAYTRUST_BENCH_REQUESTS")

local paths = nil
local next_path = 0
local webhooks = nil
local next_webhook = 0
init = function(args)
  if requests_file ~= nil and requests_file ~= "" then
    local threads = tonumber(os.getenv("PAYTRUST_BENCH_THREADS") or "2")
    local all = {}
    for line in io.lines(requests_file) do
      local tab = line:find("\t", 1, true)
      all[#all + 1] = { body = line:sub(1, tab - 1), signature = line:sub(tab + 1) }
    end
    if #all < threads then
      webhooks = all
    else
      webhooks = {}
      for i, webhook in ipairs(all) do
        if (i - 1) % threads == thread_index then
          webhooks[#webhooks + 1] = webhook
        end
      end
    end
    return
  end
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
  if webhooks ~= nil then
    next_webhook = next_webhook + 1
    local webhook = webhooks[math.min(next_webhook, #webhooks)]
    return wrk.format("POST", nil, { ["Content-Type"] = "application/json", ["PayTrust-Signature"] = webhook.signature }, webhook.body)
  end
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
