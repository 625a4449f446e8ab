-- The refresh_token grant on the token endpoint as RFC 6749 §6 has it (a form POST, the client
-- authenticated with HTTP Basic), the request every server of bench/peers.sh accepts. A refresh
-- token is good once (rotation), so every request presents a distinct fresh one from a pool
-- generated beforehand (pool.lua), each wrk thread its own share; when a thread's share runs out
-- it keeps sending a token the server refuses and counts those requests in `dry`, as
-- pipeline_refresh.lua does.
--   BENCH_POOL           file of refresh tokens, one a line
--   BENCH_REFRESH_BASIC  base64(id:secret) of the client the tokens were issued to
--   BENCH_TOKEN_PATH     the token endpoint (default /oauth2/token)
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
setup, done = common.setup, common.done

local tokens, total, used, started = {}, 0, 0, 0
local path, headers
dry = 0
dry_after = -1 -- whole seconds from the start until this thread's share ran out

function init(args)
  tokens = common.lines(os.getenv("BENCH_POOL"), false)
  total = #tokens
  started = os.time()
  path = os.getenv("BENCH_TOKEN_PATH") or "/oauth2/token"
  headers = {
    ["Authorization"] = "Basic " .. assert(os.getenv("BENCH_REFRESH_BASIC"), "BENCH_REFRESH_BASIC is not set"),
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
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
  return wrk.format("POST", path, headers, "grant_type=refresh_token&refresh_token=" .. token)
end
