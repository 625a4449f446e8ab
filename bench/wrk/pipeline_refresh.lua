-- Scenario 3: the refresh_token grant on POST /pipeline/oauth2. A refresh token works once, so
-- every request presents a distinct fresh one from a pool generated beforehand (pool.lua); each
-- wrk thread takes its own share of the pool. When a thread's share runs out it keeps sending,
-- with a token the server refuses (400), and counts those requests in `dry`: the run then
-- reports errors instead of quietly measuring something else.
--   BENCH_POOL  file of refresh tokens, one a line
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
setup, done = common.setup, common.done

local tokens, total, used, started = {}, 0, 0, 0
dry = 0
dry_after = -1 -- whole seconds from the start until this thread's share ran out

function init(args)
  tokens = common.lines(os.getenv("BENCH_POOL"), false)
  total = #tokens
  started = os.time()
end

function request()
  local token
  if used < total then
    used = used + 1
    token = tokens[used]
    tokens[used] = nil -- let the collector have it
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
