-- How a private_key_jwt client authenticates (RFC 7591 §2): the JWK set of public keys it signs
-- its assertions with. A client without a row here authenticates with its secret.
CREATE TABLE client_keys (
    client_id  TEXT PRIMARY KEY,
    method     TEXT NOT NULL,
    jwks       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- The jti of each client assertion accepted (RFC 7523 §3 item 7), until the assertion expires:
-- the primary key decides which of two uses of one assertion, on any instance, is the first.
CREATE TABLE client_assertion_jtis (
    client_id  TEXT NOT NULL,
    jti        TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (client_id, jti)
);
CREATE INDEX client_assertion_jtis_by_expiry ON client_assertion_jtis (expires_at);
