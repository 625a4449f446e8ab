-- Scenario 2: token retrieval on POST /pipeline/oauth2, the integration model's JSON body,
-- round-robin over the seeded clients.
--   BENCH_CLIENTS  file of "clientId<TAB>secret<TAB>base64(id:secret)" lines
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
setup, done = common.setup, common.done

local requests, next_request = {}, 0

function init(args)
  for _, line in ipairs(common.lines(os.getenv("BENCH_CLIENTS"), true)) do
    local f = common.fields(line)
    local body = '{"username":"' .. f[1] .. '","password":"' .. f[2] .. '","grant_type":"client_credentials"}'
    requests[#requests + 1] = wrk.format("POST", "/pipeline/oauth2",
      { ["Content-Type"] = "application/json" }, body)
  end
  assert(#requests > 0, "no clients")
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end
