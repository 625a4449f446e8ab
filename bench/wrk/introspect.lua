-- Scenario 4: RFC 7662 introspection on POST /oauth2/introspect, authenticated with an admin
-- API key in X-API-Key, round-robin over a pool of live access tokens (introspection consumes
-- nothing, so tokens are reused).
--   BENCH_ACCESS_TOKENS  file of access tokens, one a line
--   BENCH_API_KEY        the admin API key
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
setup, done = common.setup, common.done

local requests, next_request = {}, 0

function init(args)
  local key = os.getenv("BENCH_API_KEY")
  for _, token in ipairs(common.lines(os.getenv("BENCH_ACCESS_TOKENS"), false)) do
    requests[#requests + 1] = wrk.format("POST", "/oauth2/introspect", {
      ["X-API-Key"] = key,
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, "token=" .. token)
  end
  assert(#requests > 0, "no access tokens")
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end
