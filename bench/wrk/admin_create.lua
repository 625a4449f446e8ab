-- Scenario 5: the admin API's create-client call, POST /admin/clients: one durable insert each.
--   BENCH_API_KEY  the admin API key
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
setup, done = common.setup, common.done

wrk.method = "POST"
wrk.path = "/admin/clients"
wrk.headers["X-API-Key"] = os.getenv("BENCH_API_KEY")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"partnerId":"bench"}'
