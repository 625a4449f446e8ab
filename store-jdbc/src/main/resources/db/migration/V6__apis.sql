-- SPEC §6: protected APIs, each an audience (its RFC 8707 resource identifier) with its scopes
-- and token lifetime, and the grants that let a client ask tokens for one.
CREATE TABLE apis (
    id                  TEXT PRIMARY KEY,
    identifier          TEXT NOT NULL UNIQUE,
    name                TEXT,
    scopes              TEXT NOT NULL,
    access_token_ttl_ms BIGINT,
    created_at          BIGINT NOT NULL
);

CREATE TABLE api_grants (
    client_id  TEXT NOT NULL,
    api_id     TEXT NOT NULL,
    scopes     TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (client_id, api_id)
);
CREATE INDEX api_grants_by_api ON api_grants (api_id);

-- A client's own cap on the lifetime of its access tokens (PATCH /admin/clients/{id}).
ALTER TABLE clients ADD COLUMN access_token_ttl_ms BIGINT;
