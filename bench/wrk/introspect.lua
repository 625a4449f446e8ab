-- Scenario 4: RFC 7662 introspection on POST /oauth2/introspect, authenticated with an admin
-- API key in X-API-Key, round-robin over a pool of live access tokens (introspection consumes
-- nothing, so tokens are reused).
--   BENCH_ACCESS_TOKENS  file of access tokens, one a line
--   BENCH_API_KEY        the admin API key
--   BENCH_INTROSPECT_BASIC  when set, base64(id:secret) of a client that authenticates with HTTP
--                        Basic instead of the admin key (bench/peers.sh: the way peers accept)
--   BENCH_INTROSPECT_PATH   the introspection endpoint (default /oauth2/introspect)
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
setup, done = common.setup, common.done

local requests, next_request = {}, 0

function init(args)
  local basic = os.getenv("BENCH_INTROSPECT_BASIC")
  local path = os.getenv("BENCH_INTROSPECT_PATH") or "/oauth2/introspect"
  local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  if basic and basic ~= "" then
    headers["Authorization"] = "Basic " .. basic
  else
    headers["X-API-Key"] = os.getenv("BENCH_API_KEY")
  end
  for _, token in ipairs(common.lines(os.getenv("BENCH_ACCESS_TOKENS"), false)) do
    requests[#requests + 1] = wrk.format("POST", path, headers, "token=" .. token)
  end
  assert(#requests > 0, "no access tokens")
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end
