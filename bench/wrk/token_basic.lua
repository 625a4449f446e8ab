-- Scenario 1: the client_credentials grant on POST /oauth2/token with HTTP Basic
-- (client_secret_basic, RFC 6749 §2.3.1), round-robin over the seeded clients.
--   BENCH_CLIENTS     file of "clientId<TAB>secret<TAB>base64(id:secret)" lines
--   BENCH_TOKEN_PATH  the token endpoint (default /oauth2/token; bench/peers.sh names a peer's)
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
setup, done = common.setup, common.done

local requests, next_request = {}, 0

function init(args)
  local path = os.getenv("BENCH_TOKEN_PATH") or "/oauth2/token"
  for _, line in ipairs(common.lines(os.getenv("BENCH_CLIENTS"), true)) do
    local f = common.fields(line)
    requests[#requests + 1] = wrk.format("POST", path, {
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
