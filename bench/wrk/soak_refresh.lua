-- bench/soak.sh's refresh load: the refresh_token grant on POST /pipeline/oauth2, each answer's
-- new refresh token queued for a later request, so the load sustains itself for as long as the
-- soak runs (a pool of single-use tokens sized for 30 minutes would take longer to make than to
-- use). Each thread starts from its share of BENCH_POOL; at the end it writes the tokens it had
-- not sent yet to BENCH_POOL_OUT, the next minute's pool. A request whose answer carried no new
-- token loses its chain (and counts as an error, being a 4xx/5xx or a socket error); a thread
-- with no token left sends one the server refuses and counts it in `dry`, as pipeline_refresh.lua.
--   BENCH_POOL      file of refresh tokens, one a line
--   BENCH_POOL_OUT  file the unsent tokens are written to when wrk ends
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
setup = common.setup

queue, head, tail = {}, 1, 0
dry = 0
dry_after = -1
local started = 0

function init(args)
  for _, token in ipairs(common.lines(os.getenv("BENCH_POOL"), false)) do
    tail = tail + 1
    queue[tail] = token
  end
  started = os.time()
end

function request()
  local token
  if head <= tail then
    token = queue[head]
    queue[head] = nil
    head = head + 1
  else
    if dry == 0 then
      dry_after = os.time() - started
    end
    dry = dry + 1
    token = "pool-ran-dry"
  end
  return wrk.format("POST", "/pipeline/oauth2", { ["Content-Type"] = "application/json" },
    '{"grant_type":"refresh_token","refresh_token":"' .. token .. '"}')
end

function response(status, headers, body)
  if status == 200 then
    local refresh = string.match(body, '"refresh_token":"([^"]+)"')
    if refresh then
      tail = tail + 1
      queue[tail] = refresh
    end
  end
end

function done(summary, latency, requests)
  common.done(summary, latency, requests)
  local out = assert(io.open(os.getenv("BENCH_POOL_OUT"), "w"))
  for _, thread in ipairs(common.threads()) do
    local q, h, t = thread:get("queue"), thread:get("head"), thread:get("tail")
    for i = h, t do
      if q[i] then
        out:write(q[i], "\n")
      end
    end
  end
  out:close()
end
