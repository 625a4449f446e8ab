-- Scenario: the gateway check, GET /oauth2/check with Authorization: Bearer, round-robin over a
-- pool of live access tokens (a check consumes nothing, so tokens are reused). No caller
-- authentication, no body either way: what nginx's auth_request sends for every request it guards.
-- The nginx-in-front rows send the same requests to nginx instead, at another path.
--   BENCH_ACCESS_TOKENS  file of access tokens, one a line
--   BENCH_CHECK_PATH     the path requested (default /oauth2/check)
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
setup, done = common.setup, common.done

local requests, next_request = {}, 0

function init(args)
  local path = os.getenv("BENCH_CHECK_PATH") or "/oauth2/check"
  for _, token in ipairs(common.lines(os.getenv("BENCH_ACCESS_TOKENS"), false)) do
    requests[#requests + 1] = wrk.format("GET", path, {
      ["Authorization"] = "Bearer " .. token,
    })
  end
  assert(#requests > 0, "no access tokens")
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end
