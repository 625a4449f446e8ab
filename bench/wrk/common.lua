-- Shared by every scenario script (loaded with dofile): thread numbering, reading a token or
-- client file into the thread that uses it, and one machine-readable result line.
--
-- Environment (set by bench/run.sh):
--   BENCH_WRK_THREADS  the -t given to wrk, so each thread takes its own share of a pool file
local common = {}

local threads = {}

-- Called in the main Lua state once per thread, before the threads start.
function common.setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

-- The threads setup saw, in the main Lua state (for a script's own done()).
function common.threads()
  return threads
end

-- The lines of `path` that belong to this thread: line n goes to thread (n - 1) % threads.
-- `every` false or nil takes every line (files that every thread shares, like the clients).
function common.lines(path, every)
  local count = tonumber(os.getenv("BENCH_WRK_THREADS") or "1")
  local index = thread_index or 0
  local file = assert(io.open(path, "r"), "cannot read " .. tostring(path))
  local lines, n = {}, 0
  for line in file:lines() do
    if line ~= "" then
      if every or n % count == index then
        lines[#lines + 1] = line
      end
      n = n + 1
    end
  end
  file:close()
  return lines
end

-- Splits a tab-separated line.
function common.fields(line)
  local out = {}
  for field in string.gmatch(line, "[^\t]+") do
    out[#out + 1] = field
  end
  return out
end

-- One line bench/run.sh parses. wrk counts a status > 399 as an error; there are no redirects
-- here, so that is "non-2xx". `dry` counts refresh requests sent after the pool ran out, and
-- `dry_after` is the first second at which a thread's share did (-1: never).
function common.done(summary, latency, requests)
  local dry, dry_after = 0, -1
  for _, thread in ipairs(threads) do
    dry = dry + (tonumber(thread:get("dry")) or 0)
    local after = tonumber(thread:get("dry_after")) or -1
    if after >= 0 and (dry_after < 0 or after < dry_after) then
      dry_after = after
    end
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d status=%d connect=%d read=%d write=%d timeout=%d dry=%d dry_after=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect, e.read, e.write, e.timeout, dry, dry_after))
end

return common
