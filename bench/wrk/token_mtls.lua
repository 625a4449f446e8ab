-- The client_credentials grant on POST /oauth2/token by tls_client_auth (RFC 8705 §2.1.1) behind
-- a TLS-terminating proxy: the client certificate arrives in LATCHKEY_TLS_CLIENT_CERT_HEADER as
-- nginx's $ssl_client_escaped_cert forwards it (URL-encoded PEM), from a trusted proxy address;
-- the client names itself with client_id in the body. wrk presents no client certificate, so the
-- TLS handshake itself is not in this row (on keep-alive connections it is once per connection).
--   BENCH_MTLS  file of "clientId<TAB>header name<TAB>URL-encoded PEM" lines
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
setup, done = common.setup, common.done

local requests, next_request = {}, 0

function init(args)
  for _, line in ipairs(common.lines(os.getenv("BENCH_MTLS"), true)) do
    local f = common.fields(line)
    requests[#requests + 1] = wrk.format("POST", "/oauth2/token", {
      [f[2]] = f[3],
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, "grant_type=client_credentials&client_id=" .. f[1])
  end
  assert(#requests > 0, "no mTLS clients")
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end
