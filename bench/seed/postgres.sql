-- Fills a migrated PostgreSQL store with a large population for bench/run.sh (--seed-clients,
-- --seed-refresh), in bulk, with the rows bench/seed/SqliteSeed.java writes for SQLite:
--   clients                  22-character base64url ids, a 43-character base64url secret hash of
--                            random bytes (never authenticated), 10,000 partners
--   consumed_refresh_tokens  time-ordered 32-character jti as the server mints them (issue time in
--                            ms as 10 base32hex characters, then 128 random bits), issued over the
--                            past 30 days in order; five per family, each family of a seeded
--                            client, expiring 1 to 30 days from now (the purge leaves them alone)
--   revoked_families         one for every 100 consumed tokens, unexpired
--   apis                     identifiers https://seed-api-<n>.example.test/, two scopes
--   api_grants               each seeded client in turn granted the next of its APIs (a run of
--                            consecutive APIs from a place of its own: distinct pairs while
--                            grants <= clients x APIs), one scope
--   revoked_access_tokens    time-ordered jti of tokens issued in the last half hour, of seeded
--                            clients, each expiring an hour after its issue: all live, all in the
--                            server's memory from the start
--   webhooks, webhook_events, webhook_deliveries
--                            ten webhooks subscribed to apikey.deleted (no benchmark deletes an API
--                            key; the sealed secret is a placeholder never unsealed), one event per
--                            ten deliveries fanned out to all ten over the past six days (inside
--                            the dispatcher's seven days of retention), 97 % delivered at the first
--                            attempt, 3 % failed after eight
-- then VACUUM ANALYZE and a CHECKPOINT, as a database that grew this big would have had.
--   psql -v clients=N -v refresh=N -v apis=N -v grants=N -v revocations=N -v deliveries=N \
--        -f bench/seed/postgres.sql
\set ON_ERROR_STOP on

CREATE FUNCTION pg_temp.b64url(b bytea) RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT translate(encode(b, 'base64'), '+/=', '-_') $$;
-- 16 random bytes (gen_random_uuid is built in and draws 122 of its 128 bits at random).
CREATE FUNCTION pg_temp.random_id() RETURNS text LANGUAGE sql VOLATILE
    AS $$ SELECT pg_temp.b64url(uuid_send(gen_random_uuid())) $$;
-- A token id as the server mints it: the time in ms as 10 base32hex characters (0-9a-v), then a
-- random id (core's SecretGenerator.timeOrderedId).
CREATE FUNCTION pg_temp.time_ordered_id(ms bigint) RETURNS text LANGUAGE sql VOLATILE
    AS $$ SELECT string_agg(substr('0123456789abcdefghijklmnopqrstuv', ((ms >> (5 * (9 - k))) & 31)::int + 1, 1), ''
                            ORDER BY k) || pg_temp.random_id()
          FROM generate_series(0, 9) AS k $$;
CREATE FUNCTION pg_temp.random_hash() RETURNS text LANGUAGE sql VOLATILE
    AS $$ SELECT pg_temp.b64url(sha256(uuid_send(gen_random_uuid()))) $$;

SELECT (extract(epoch FROM now()) * 1000)::bigint AS now_ms \gset

\echo seed: clients
\timing on
INSERT INTO clients (client_id, partner_id, name, scopes, secret_hash, previous_secret_hash,
                     previous_secret_expires_at, created_at)
SELECT pg_temp.random_id(), 'seed-partner-' || (i % 10000), 'seed client ' || i, '',
       pg_temp.random_hash(), NULL, NULL, :now_ms - 365 * 86400000::bigint + i
FROM generate_series(1, :clients) AS i;
\timing off

-- The seeded clients numbered 1..n, to give each family a random one.
CREATE TEMP TABLE seed_clients AS
SELECT row_number() OVER () AS n, client_id FROM clients WHERE partner_id LIKE 'seed-partner-%';
CREATE UNIQUE INDEX ON seed_clients (n);
SELECT greatest(count(*), 1) AS seeded FROM seed_clients \gset

\echo seed: consumed refresh tokens
\timing on
CREATE TEMP TABLE seed_families AS
SELECT g, pg_temp.random_id() AS family_id, coalesce(c.client_id, pg_temp.random_id()) AS client_id
FROM (SELECT g, 1 + floor(random() * :seeded)::bigint AS n
      FROM generate_series(1, ceil(:refresh / 5.0)::bigint) AS g) AS f
LEFT JOIN seed_clients c ON c.n = f.n;
INSERT INTO consumed_refresh_tokens (jti, family_id, client_id, expires_at)
SELECT pg_temp.time_ordered_id(:now_ms - 60000 - 30 * 86400000::bigint
                                + (30 * 86400000::bigint * ((f.g - 1) * 5 + t - 1)) / :refresh),
       f.family_id, f.client_id,
       :now_ms + 86400000::bigint + (random() * 29 * 86400000)::bigint
FROM seed_families f CROSS JOIN generate_series(1, 5) AS t
WHERE (f.g - 1) * 5 + t <= :refresh
ORDER BY f.g, t;
\timing off

\echo seed: revoked families
\timing on
INSERT INTO revoked_families (family_id, client_id, revoked_at, expires_at)
SELECT pg_temp.random_id(), coalesce(c.client_id, pg_temp.random_id()),
       :now_ms - (random() * 86400000)::bigint,
       :now_ms + 86400000::bigint + (random() * 29 * 86400000)::bigint
FROM (SELECT 1 + floor(random() * :seeded)::bigint AS n FROM generate_series(1, :refresh / 100) AS g) AS f
LEFT JOIN seed_clients c ON c.n = f.n;
\timing off

SELECT :apis > 0 AS seed_apis, :grants > 0 AS seed_grants, :revocations > 0 AS seed_revocations,
       :deliveries > 0 AS seed_deliveries \gset

\if :seed_apis
\echo seed: APIs
\timing on
INSERT INTO apis (id, identifier, name, scopes, access_token_ttl_ms, created_at)
SELECT pg_temp.random_id(), 'https://seed-api-' || (i - 1) || '.example.test/', 'seed API ' || (i - 1),
       'seed:read seed:write', NULL, :now_ms - 300 * 86400000::bigint + i
FROM generate_series(1, :apis) AS i;
\timing off
\endif

\if :seed_grants
CREATE TEMP TABLE seed_apis AS
SELECT row_number() OVER (ORDER BY created_at) AS n, id FROM apis WHERE identifier LIKE 'https://seed-api-%';
CREATE UNIQUE INDEX ON seed_apis (n);
SELECT count(*) AS seeded_apis FROM seed_apis \gset
\echo seed: API grants
\timing on
INSERT INTO api_grants (client_id, api_id, scopes, granted_at)
SELECT c.client_id, a.id, 'seed:read', :now_ms - 200 * 86400000::bigint + (random() * 199 * 86400000)::bigint
FROM generate_series(0, :grants - 1) AS i
JOIN seed_clients c ON c.n = i % :seeded + 1
JOIN seed_apis a ON a.n = ((i % :seeded) * 7919 + i / :seeded) % :seeded_apis + 1;
\timing off
\endif

\if :seed_revocations
\echo seed: revoked access tokens
\timing on
INSERT INTO revoked_access_tokens (jti, client_id, expires_at)
SELECT pg_temp.time_ordered_id(r.issued), coalesce(c.client_id, pg_temp.random_id()), r.issued + 3600000
FROM (SELECT :now_ms - 60000 - 1800000 + (1800000::bigint * (g - 1)) / :revocations AS issued,
             1 + floor(random() * :seeded)::bigint AS n
      FROM generate_series(1, :revocations) AS g) AS r
LEFT JOIN seed_clients c ON c.n = r.n
ORDER BY r.issued;
\timing off
\endif

\if :seed_deliveries
\echo seed: webhook deliveries
\timing on
CREATE TEMP TABLE seed_webhooks AS
SELECT w - 1 AS w, pg_temp.random_id() AS id FROM generate_series(1, 10) AS w;
INSERT INTO webhooks (id, url, events, sealed_secret, created_at, failing_since)
SELECT id, 'https://seed-webhook-' || w || '.example.test/hook', 'apikey.deleted', 'seed-placeholder-never-unsealed',
       :now_ms - 30 * 86400000::bigint, NULL
FROM seed_webhooks;
CREATE TEMP TABLE seed_events AS
SELECT e, pg_temp.random_id() AS id,
       :now_ms - 6 * 86400000::bigint + (6 * 86400000::bigint * e) / ceil(:deliveries / 10.0)::bigint AS at
FROM generate_series(0, ceil(:deliveries / 10.0)::bigint - 1) AS e;
INSERT INTO webhook_events (id, type, at, ordinal, data, fanned_out)
SELECT id, 'apikey.deleted', at, e,
       '{"type":"apikey.deleted","id":"' || id || '","data":{"apiKeyId":"' || pg_temp.random_id() || '"}}', 1
FROM seed_events ORDER BY e;
INSERT INTO webhook_deliveries (webhook_id, seq, event_id, status, attempts, next_attempt_at, last_status_code,
                                last_error, created_at, updated_at)
SELECT w.id, e.e + 1, e.id, CASE WHEN f THEN 'failed' ELSE 'delivered' END, CASE WHEN f THEN 8 ELSE 1 END, NULL,
       CASE WHEN f THEN 503 ELSE 200 END, CASE WHEN f THEN 'HTTP 503' END, e.at + 50,
       e.at + CASE WHEN f THEN 43200000 ELSE 150 END
FROM (SELECT e.*, w.w, random() < 0.03 AS f FROM seed_events e CROSS JOIN generate_series(0, 9) AS w(w)
      WHERE e.e * 10 + w.w < :deliveries) AS e
JOIN seed_webhooks w ON w.w = e.w
ORDER BY e.e, e.w;
\timing off
\endif

\echo seed: VACUUM ANALYZE
\timing on
VACUUM ANALYZE clients, consumed_refresh_tokens, revoked_families, apis, api_grants, revoked_access_tokens,
    webhooks, webhook_events, webhook_deliveries;
\timing off
\echo seed: CHECKPOINT
\timing on
CHECKPOINT;
