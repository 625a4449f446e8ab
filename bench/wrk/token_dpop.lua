-- Scenarios token_dpop_es256 and token_dpop_eddsa: the client_credentials grant on POST
-- /oauth2/token with HTTP Basic and a DPoP proof (RFC 9449), round-robin over the seeded clients.
-- A proof's jti is accepted once, so every request presents a distinct one from a pool written
-- beforehand (DpopProofPool.java); each wrk thread takes its own share. When a thread's share
-- runs out it keeps sending, with a proof the server refuses (400), and counts those requests
-- in `dry`, as pipeline_refresh.lua does.
--   BENCH_CLIENTS  file of "clientId<TAB>secret<TAB>base64(id:secret)" lines
--   BENCH_POOL     file of DPoP proofs, one a line
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
setup, done = common.setup, common.done

local basics, next_client = {}, 0
local proofs, total, used, started = {}, 0, 0, 0
dry = 0
dry_after = -1

function init(args)
  for _, line in ipairs(common.lines(os.getenv("BENCH_CLIENTS"), true)) do
    basics[#basics + 1] = "Basic " .. common.fields(line)[3]
  end
  assert(#basics > 0, "no clients")
  proofs = common.lines(os.getenv("BENCH_POOL"), false)
  total = #proofs
  started = os.time()
end

function request()
  local proof
  if used < total then
    used = used + 1
    proof = proofs[used]
    proofs[used] = nil
  else
    if dry == 0 then
      dry_after = os.time() - started
    end
    dry = dry + 1
    proof = "pool-ran-dry"
  end
  next_client = next_client % #basics + 1
  return wrk.format("POST", "/oauth2/token", {
    ["Authorization"] = basics[next_client],
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["DPoP"] = proof,
  }, "grant_type=client_credentials")
end
