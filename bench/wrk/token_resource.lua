-- The client_credentials grant on POST /oauth2/token with HTTP Basic and an RFC 8707 resource
-- (SPEC §6): token_basic with the token minted for a registered API the clients are granted.
--   BENCH_CLIENTS   file of "clientId<TAB>secret<TAB>base64(id:secret)" lines
--   BENCH_RESOURCE  the API's identifier, already form-urlencoded
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
setup, done = common.setup, common.done

local requests, next_request = {}, 0

function init(args)
  local body = "grant_type=client_credentials&resource=" .. os.getenv("BENCH_RESOURCE")
  for _, line in ipairs(common.lines(os.getenv("BENCH_CLIENTS"), true)) do
    local f = common.fields(line)
    requests[#requests + 1] = wrk.format("POST", "/oauth2/token", {
      ["Authorization"] = "Basic " .. f[3],
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, body)
  end
  assert(#requests > 0, "no clients")
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end
