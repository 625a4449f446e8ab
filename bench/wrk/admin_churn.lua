-- bench/soak.sh's admin load: POST /admin/clients, then DELETE /admin/clients/{id} of the client
-- it created, over and over: durable admin writes that leave the store as large as they found it,
-- so that a soak's memory figures show the server, not a table growing for half an hour. A
-- create whose answer names no client is followed by another create.
--   BENCH_API_KEY  the admin API key
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
setup, done = common.setup, common.done

local key = os.getenv("BENCH_API_KEY")
local created = {}

function request()
  local id = table.remove(created)
  if id then
    return wrk.format("DELETE", "/admin/clients/" .. id, { ["X-API-Key"] = key })
  end
  return wrk.format("POST", "/admin/clients", {
    ["X-API-Key"] = key,
    ["Content-Type"] = "application/json",
  }, '{"partnerId":"soak","name":"soak churn"}')
end

function response(status, headers, body)
  if status == 201 or status == 200 then
    local id = string.match(body, '"clientId":"([^"]+)"')
    if id then
      created[#created + 1] = id
    end
  end
end
