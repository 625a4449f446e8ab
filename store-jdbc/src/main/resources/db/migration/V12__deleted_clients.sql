-- A deleted client's id, while an access token issued to it may still be live: what the
-- revocation feed (SPEC §9) tells offline verifiers to refuse, and what an instance loads at
-- start-up. Purged once every access token of the client has expired.
CREATE TABLE deleted_clients (
    client_id  TEXT PRIMARY KEY,
    deleted_at BIGINT NOT NULL
);
CREATE INDEX deleted_clients_by_time ON deleted_clients (deleted_at);
