-- Fills a migrated PostgreSQL store with a large population for bench/run.sh (--seed-clients,
-- --seed-refresh), in bulk, with the rows bench/seed/SqliteSeed.java writes for SQLite:
--   clients                  22-character base64url ids, a 43-character base64url secret hash of
--                            random bytes (never authenticated), 10,000 partners
--   consumed_refresh_tokens  time-ordered 32-character jti as the server mints them (issue time in
--                            ms as 10 base32hex characters, then 128 random bits), issued over the
--                            past 30 days in order; five per family, each family of a seeded
--                            client, expiring 1 to 30 days from now (the purge leaves them alone)
--   revoked_families         one for every 100 consumed tokens, unexpired
-- then VACUUM ANALYZE and a CHECKPOINT, as a database that grew this big would have had.
--   psql -v clients=N -v refresh=N -f bench/seed/postgres.sql
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

\echo seed: VACUUM ANALYZE
\timing on
VACUUM ANALYZE clients, consumed_refresh_tokens, revoked_families;
\timing off
\echo seed: CHECKPOINT
\timing on
CHECKPOINT;
