-- One schema for SQLite and PostgreSQL: TEXT and BIGINT (epoch milliseconds) only.

CREATE TABLE clients (
    client_id                  TEXT PRIMARY KEY,
    partner_id                 TEXT NOT NULL,
    name                       TEXT,
    scopes                     TEXT NOT NULL,
    secret_hash                TEXT NOT NULL,
    previous_secret_hash       TEXT,
    previous_secret_expires_at BIGINT,
    created_at                 BIGINT NOT NULL
);
CREATE INDEX clients_by_partner ON clients (partner_id, created_at);

CREATE TABLE api_keys (
    id         TEXT PRIMARY KEY,
    key_hash   TEXT NOT NULL UNIQUE,
    name       TEXT,
    created_at BIGINT NOT NULL
);

-- Key material sealed (JWE, A256GCM) under the master key.
CREATE TABLE signing_keys (
    kid        TEXT PRIMARY KEY,
    purpose    TEXT NOT NULL,
    alg        TEXT NOT NULL,
    sealed_jwk TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);

-- A refresh token is written nowhere when issued; a row appears only once it is used.
CREATE TABLE consumed_refresh_tokens (
    jti        TEXT PRIMARY KEY,
    family_id  TEXT NOT NULL,
    client_id  TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX consumed_refresh_tokens_by_expiry ON consumed_refresh_tokens (expires_at);

CREATE TABLE revoked_families (
    family_id  TEXT PRIMARY KEY,
    client_id  TEXT NOT NULL,
    revoked_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX revoked_families_by_expiry ON revoked_families (expires_at);

CREATE TABLE revoked_access_tokens (
    jti        TEXT PRIMARY KEY,
    client_id  TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX revoked_access_tokens_by_expiry ON revoked_access_tokens (expires_at);
