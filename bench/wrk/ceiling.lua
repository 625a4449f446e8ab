-- Scenario 6, the ceiling: the request of scenario 1 (a form POST with HTTP Basic) sent to the
-- bare Vert.x server of bench/ceiling, which answers it with a fixed token-sized JSON body.
--   BENCH_CLIENTS  file of "clientId<TAB>secret<TAB>base64(id:secret)" lines
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
setup, done = common.setup, common.done

local requests, next_request = {}, 0

function init(args)
  for _, line in ipairs(common.lines(os.getenv("BENCH_CLIENTS"), true)) do
    local f = common.fields(line)
    requests[#requests + 1] = wrk.format("POST", "/token", {
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
