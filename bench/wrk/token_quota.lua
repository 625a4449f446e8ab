-- Scenario 1 again with usage and quotas in play (SPEC §10): the client_credentials grant on
-- POST /oauth2/token with HTTP Basic, round-robin over clients seeded with a tokensPerHour too
-- high to reach, so that every request checks the cap and counts its token.
--   BENCH_QUOTA_CLIENTS  file of "clientId<TAB>secret<TAB>base64(id:secret)" lines
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
setup, done = common.setup, common.done

local requests, next_request = {}, 0

function init(args)
  for _, line in ipairs(common.lines(os.getenv("BENCH_QUOTA_CLIENTS"), true)) do
    local f = common.fields(line)
    requests[#requests + 1] = wrk.format("POST", "/oauth2/token", {
      ["Authorization"] = "Basic " .. f[3],
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, "grant_type=client_credentials")
  end
  assert(#requests > 0, "no clients")
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end
