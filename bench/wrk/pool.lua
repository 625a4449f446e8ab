-- Not a scenario: fills token pools for the refresh and introspection scenarios by running the
-- client_credentials grant (Basic) over the seeded clients and keeping what each answer carries.
-- Each thread stops once it has its share of access tokens.
--   BENCH_CLIENTS     file of "clientId<TAB>secret<TAB>base64(id:secret)" lines
--   BENCH_POOL_OUT    path prefix; thread i writes <prefix>.refresh.<i> and <prefix>.access.<i>
--   BENCH_POOL_COUNT  tokens wanted in all (split evenly over the threads)
--   BENCH_TOKEN_PATH  the token endpoint (default /oauth2/token; bench/peers.sh names a peer's)
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
setup = common.setup

local requests, next_request = {}, 0
local wanted, got = 0, 0
local refresh_out, access_out

function init(args)
  local path = os.getenv("BENCH_TOKEN_PATH") or "/oauth2/token"
  for _, line in ipairs(common.lines(os.getenv("BENCH_CLIENTS"), true)) do
    local f = common.fields(line)
    requests[#requests + 1] = wrk.format("POST", path, {
      ["Authorization"] = "Basic " .. f[3],
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, "grant_type=client_credentials")
  end
  local threads = tonumber(os.getenv("BENCH_WRK_THREADS") or "1")
  wanted = math.ceil(tonumber(os.getenv("BENCH_POOL_COUNT")) / threads)
  local prefix = os.getenv("BENCH_POOL_OUT")
  refresh_out = assert(io.open(prefix .. ".refresh." .. thread_index, "w"))
  access_out = assert(io.open(prefix .. ".access." .. thread_index, "w"))
  -- Line-buffered: wrk may end a thread at its deadline without closing its files.
  refresh_out:setvbuf("line")
  access_out:setvbuf("line")
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end

function response(status, headers, body)
  if got >= wanted or status ~= 200 then
    return
  end
  local refresh = string.match(body, '"refresh_token":"([^"]+)"')
  local access = string.match(body, '"access_token":"([^"]+)"')
  if access then -- a server that issues no refresh token with client_credentials fills only .access
    if refresh then
      refresh_out:write(refresh, "\n")
    end
    access_out:write(access, "\n")
    got = got + 1
    if got >= wanted then
      refresh_out:close()
      access_out:close()
      wrk.thread:stop()
    end
  end
end

function done(summary, latency, requests)
  io.write(string.format("POOL requests=%d status=%d\n", summary.requests, summary.errors.status))
end
