-- Scenarios token_pkjwt_es256 and token_pkjwt_eddsa: client_credentials on POST /oauth2/token,
-- the client authenticated with private_key_jwt (RFC 7523 §2.2). An assertion's jti is accepted
-- once, so every request presents a distinct one from a pool signed beforehand
-- (bench/seed/AssertionPool.java); each wrk thread takes its own share. When a thread's share runs
-- out it keeps sending an assertion the server refuses (401) and counts those requests in `dry`,
-- as pipeline_refresh.lua does.
--   BENCH_POOL  file of client assertions, one a line
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
setup, done = common.setup, common.done

local assertions, total, used, started = {}, 0, 0, 0
dry = 0
dry_after = -1

function init(args)
  assertions = common.lines(os.getenv("BENCH_POOL"), false)
  total = #assertions
  started = os.time()
end

function request()
  local assertion
  if used < total then
    used = used + 1
    assertion = assertions[used]
    assertions[used] = nil
  else
    if dry == 0 then
      dry_after = os.time() - started
    end
    dry = dry + 1
    assertion = "pool.ran.dry"
  end
  return wrk.format("POST", "/oauth2/token", { ["Content-Type"] = "application/x-www-form-urlencoded" },
    "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion="
    .. assertion)
end
