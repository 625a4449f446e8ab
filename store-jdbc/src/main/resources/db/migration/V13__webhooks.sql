-- SPEC §10: webhooks. A subscription, its signing secret sealed under the master key (as
-- signing keys are: the server must read it again to sign), and since when its deliveries fail.
CREATE TABLE webhooks (
    id            TEXT PRIMARY KEY,
    url           TEXT NOT NULL,
    events        TEXT NOT NULL,
    sealed_secret TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    failing_since BIGINT
);

-- The outbox: each event is written in the transaction of the change it reports, so it exists
-- exactly when that change committed (a kill -9 after the answer loses nothing). The dispatcher
-- fans each out once into webhook_deliveries, one row per subscribed webhook.
CREATE TABLE webhook_events (
    id         TEXT PRIMARY KEY,
    type       TEXT NOT NULL,
    at         BIGINT NOT NULL,
    ordinal    BIGINT NOT NULL,
    data       TEXT NOT NULL,
    fanned_out INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX webhook_events_unfanned ON webhook_events (fanned_out, at);

-- One event's delivery to one webhook; seq orders a webhook's deliveries, which are sent one at
-- a time. Status pending, failing, delivered or failed (given up).
CREATE TABLE webhook_deliveries (
    webhook_id       TEXT NOT NULL,
    seq              BIGINT NOT NULL,
    event_id         TEXT NOT NULL,
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL,
    next_attempt_at  BIGINT,
    last_status_code INTEGER,
    last_error       TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    PRIMARY KEY (webhook_id, seq)
);
CREATE UNIQUE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_id, webhook_id);
CREATE INDEX webhook_deliveries_open ON webhook_deliveries (status, webhook_id, seq);
