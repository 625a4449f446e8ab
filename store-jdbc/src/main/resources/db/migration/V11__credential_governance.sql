-- SPEC §10: partner credential governance.
-- When a client's current secret stops working (NULL: never), and when the server warned of its
-- expiry (client.secret_expiring, once per secret: a rotation clears it).
ALTER TABLE clients ADD COLUMN secret_expires_at BIGINT;
ALTER TABLE clients ADD COLUMN secret_expiry_warned_at BIGINT;
-- The CIDR blocks a client may authenticate from, space-delimited (NULL: anywhere), and the most
-- access tokens it may get per hour (NULL: no cap).
ALTER TABLE clients ADD COLUMN allowed_sources TEXT;
ALTER TABLE clients ADD COLUMN tokens_per_hour BIGINT;

-- Access tokens issued per client and minute, summed over every instance: each adds what it
-- counted in memory every few seconds, never a write per token. Kept for a day.
CREATE TABLE client_usage (
    client_id    TEXT NOT NULL,
    minute_start BIGINT NOT NULL,
    tokens       BIGINT NOT NULL,
    PRIMARY KEY (client_id, minute_start)
);
CREATE INDEX client_usage_by_minute ON client_usage (minute_start);
