-- Append-only record of what changed credentials or keys, and of suspicious events. Never
-- updated; the actor is an API key id or a client id, never a key or a secret.
CREATE TABLE audit_events (
    id         TEXT PRIMARY KEY,
    at         BIGINT NOT NULL,
    action     TEXT NOT NULL,
    actor      TEXT,
    source     TEXT,
    client_id  TEXT,
    detail     TEXT
);
CREATE INDEX audit_events_by_time ON audit_events (at, id);
CREATE INDEX audit_events_by_client ON audit_events (client_id, at);
