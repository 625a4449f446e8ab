-- Every change that other instances must learn of (a client deleted or re-keyed, an API key or a
-- signing key added or removed, a family or access token revoked) is appended here in the same
-- transaction as the change itself; each instance polls it to keep its caches exact.
CREATE TABLE change_log (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    expires_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX change_log_by_time ON change_log (created_at);

-- Housekeeping that one instance at a time should do (purging expired rows) takes a lease here.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
