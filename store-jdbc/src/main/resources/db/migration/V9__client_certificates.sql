-- How a client that authenticates with a certificate is recognised (RFC 8705 §2, RFC 7591 §2):
-- method tls_client_auth with the subject DN its CA-issued certificate carries, or
-- self_signed_tls_client_auth with the JWK set holding its certificate's public key. A client
-- without a row here authenticates some other way.
CREATE TABLE client_certificates (
    client_id  TEXT PRIMARY KEY,
    method     TEXT NOT NULL,
    subject_dn TEXT,
    jwks       TEXT,
    created_at BIGINT NOT NULL
);
