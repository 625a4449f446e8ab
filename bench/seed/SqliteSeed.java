import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.SplittableRandom;

/**
 * Fills a migrated, stopped embedded store with a large population for bench/run.sh
 * (--seed-clients, --seed-refresh), in bulk, as bench/seed/postgres.sql does for PostgreSQL:
 *
 * <ul>
 *   <li>clients: rows shaped like real ones (22-character base64url id, 43-character base64url
 *       secret hash of random bytes: these clients are never authenticated), 10,000 partners;
 *   <li>consumed refresh tokens: time-ordered 32-character jti as the server mints them (the
 *       issue time in milliseconds as 10 base32hex characters, then 128 random bits), issued over
 *       the past 30 days in order, so the newest seeded row is the index's last entry as on a
 *       store that grew by itself; five per family (a family rotated five times), each family
 *       belonging to a seeded client, expiring 1 to 30 days from now so that the purge leaves them
 *       alone;
 *   <li>revoked families: one for every 100 consumed tokens, also unexpired;
 *   <li>APIs ({@code --apis}): identifiers {@code https://seed-api-<n>.example.test/}, two scopes;
 *   <li>API grants ({@code --grants}): each seeded client in turn is granted the next of its APIs
 *       (a run of consecutive APIs from a place of its own), so the pairs are distinct while
 *       grants ≤ clients × APIs; one of the two scopes;
 *   <li>revoked access tokens ({@code --revocations}): time-ordered jti of tokens issued in the
 *       last half hour, of seeded clients, each expiring an access-token lifetime (one hour) after
 *       its issue: all live, so the server holds every one in memory from the start, the worst
 *       case for its revocation list;
 *   <li>webhook deliveries ({@code --webhook-deliveries}): ten webhooks subscribed to
 *       {@code apikey.deleted} (no benchmark deletes an API key, so no new delivery is made and no
 *       seeded one is sent: their sealed secret is a placeholder never unsealed), one event for
 *       every ten deliveries fanned out to all ten, over the past six days (inside the seven days
 *       the dispatcher keeps finished deliveries, so its purge leaves them alone), 97 % delivered
 *       at the first attempt and 3 % failed after eight.
 * </ul>
 *
 * Seeding is not measured, so it runs without fsync and without a journal, then puts the store
 * back in WAL mode and runs ANALYZE. Prints the time of each step.
 *
 * <p>Run with the server jar on the class path (it carries sqlite-jdbc):
 * {@code java -cp server/target/latchkey.jar bench/seed/SqliteSeed.java DB_FILE CLIENTS REFRESH
 * [--apis N] [--grants N] [--revocations N] [--webhook-deliveries N]}
 */
public final class SqliteSeed {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final int BATCH = 10_000;
    private static final int TOKENS_PER_FAMILY = 5;
    private static final int TOKENS_PER_REVOKED_FAMILY = 100;
    private static final long DAY_MS = 86_400_000L;
    private static final char[] BASE32HEX = "0123456789abcdefghijklmnopqrstuv".toCharArray();
    private static final long HOUR_MS = 3_600_000L;
    private static final int WEBHOOKS = 10;
    private static final String WEBHOOK_EVENT = "apikey.deleted";

    private final SplittableRandom random = new SplittableRandom(new SecureRandom().nextLong());
    private final long now = System.currentTimeMillis();

    private int apis;
    private long grants;
    private int revocations;
    private int deliveries;

    public static void main(String[] args) throws SQLException {
        if (args.length < 3 || args.length % 2 == 0) {
            usage();
        }
        SqliteSeed seed = new SqliteSeed();
        for (int i = 3; i < args.length; i += 2) {
            long n = Long.parseLong(args[i + 1]);
            switch (args[i]) {
                case "--apis" -> seed.apis = Math.toIntExact(n);
                case "--grants" -> seed.grants = n;
                case "--revocations" -> seed.revocations = Math.toIntExact(n);
                case "--webhook-deliveries" -> seed.deliveries = Math.toIntExact(n);
                default -> usage();
            }
        }
        seed.seed(args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]));
    }

    private static void usage() {
        System.err.println("usage: SqliteSeed DB_FILE CLIENTS REFRESH_TOKENS [--apis N] [--grants N] [--revocations N]"
                + " [--webhook-deliveries N]");
        System.exit(2);
    }

    private void seed(String file, int clients, int refresh) throws SQLException {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            long started = System.nanoTime();
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=OFF");
                s.execute("PRAGMA synchronous=OFF");
                s.execute("PRAGMA cache_size=-1000000"); // 1 GB: the random keys hit every index page
            }
            db.setAutoCommit(false);
            String[] clientIds = seedClients(db, clients);
            seedRefresh(db, clientIds, refresh);
            String[] apiIds = seedApis(db, apis);
            seedGrants(db, clientIds, apiIds, grants);
            seedRevokedAccessTokens(db, clientIds, revocations);
            seedWebhookDeliveries(db, deliveries);
            long t = System.nanoTime();
            try (Statement s = db.createStatement()) {
                s.execute("ANALYZE");
            }
            db.commit();
            db.setAutoCommit(true);
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
            }
            step("ANALYZE", 0, t);
            step("seeding in all", 0, started);
        }
    }

    private String[] seedClients(Connection db, int count) throws SQLException {
        long t = System.nanoTime();
        String[] ids = new String[count];
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO clients (client_id, partner_id, name, "
                + "scopes, secret_hash, previous_secret_hash, previous_secret_expires_at, created_at) "
                + "VALUES (?, ?, ?, '', ?, NULL, NULL, ?)")) {
            for (int i = 0; i < count; i++) {
                ids[i] = randomBase64Url(16);
                insert.setString(1, ids[i]);
                insert.setString(2, "seed-partner-" + (i % 10_000));
                insert.setString(3, "seed client " + i);
                insert.setString(4, randomBase64Url(32));
                insert.setLong(5, now - 365 * DAY_MS + i);
                insert.addBatch();
                if ((i + 1) % BATCH == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
        db.commit();
        step("clients", count, t);
        return ids;
    }

    private void seedRefresh(Connection db, String[] clientIds, int count) throws SQLException {
        long t = System.nanoTime();
        String familyId = null;
        String clientId = null;
        try (PreparedStatement insert = db.prepareStatement(
                "INSERT INTO consumed_refresh_tokens (jti, family_id, client_id, expires_at) VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < count; i++) {
                if (i % TOKENS_PER_FAMILY == 0) {
                    familyId = randomBase64Url(16);
                    clientId = clientIds.length == 0 ? randomBase64Url(16) : clientIds[random.nextInt(clientIds.length)];
                }
                // Spread evenly over the last 30 days, oldest first, ending a minute ago.
                long issued = now - 60_000 - 30 * DAY_MS + (30 * DAY_MS * (long) i) / Math.max(count, 1);
                insert.setString(1, timeOrderedId(issued));
                insert.setString(2, familyId);
                insert.setString(3, clientId);
                insert.setLong(4, expiry());
                insert.addBatch();
                if ((i + 1) % BATCH == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
        db.commit();
        step("consumed refresh tokens", count, t);

        t = System.nanoTime();
        int revoked = count / TOKENS_PER_REVOKED_FAMILY;
        try (PreparedStatement insert = db.prepareStatement(
                "INSERT INTO revoked_families (family_id, client_id, revoked_at, expires_at) VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < revoked; i++) {
                insert.setString(1, randomBase64Url(16));
                insert.setString(2, clientIds.length == 0 ? randomBase64Url(16) : clientIds[random.nextInt(clientIds.length)]);
                insert.setLong(3, now - random.nextLong(DAY_MS));
                insert.setLong(4, expiry());
                insert.addBatch();
                if ((i + 1) % BATCH == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
        db.commit();
        step("revoked families", revoked, t);
    }

    private String[] seedApis(Connection db, int count) throws SQLException {
        if (count == 0) {
            return new String[0];
        }
        long t = System.nanoTime();
        String[] ids = new String[count];
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO apis (id, identifier, name, scopes, "
                + "access_token_ttl_ms, created_at) VALUES (?, ?, ?, 'seed:read seed:write', NULL, ?)")) {
            for (int i = 0; i < count; i++) {
                ids[i] = randomBase64Url(16);
                insert.setString(1, ids[i]);
                insert.setString(2, "https://seed-api-" + i + ".example.test/");
                insert.setString(3, "seed API " + i);
                insert.setLong(4, now - 300 * DAY_MS + i);
                insert.addBatch();
                if ((i + 1) % BATCH == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
        db.commit();
        step("APIs", count, t);
        return ids;
    }

    private void seedGrants(Connection db, String[] clientIds, String[] apiIds, long count) throws SQLException {
        if (count == 0) {
            return;
        }
        if (clientIds.length == 0 || apiIds.length == 0) {
            throw new IllegalArgumentException("--grants needs seeded clients and APIs");
        }
        if (count > (long) clientIds.length * apiIds.length) {
            throw new IllegalArgumentException("--grants " + count + " is more than clients × APIs");
        }
        long t = System.nanoTime();
        try (PreparedStatement insert = db.prepareStatement(
                "INSERT INTO api_grants (client_id, api_id, scopes, granted_at) VALUES (?, ?, ?, ?)")) {
            for (long i = 0; i < count; i++) {
                int client = (int) (i % clientIds.length);
                long nth = i / clientIds.length; // this client's nth grant
                int api = (int) ((client * 7919L + nth) % apiIds.length);
                insert.setString(1, clientIds[client]);
                insert.setString(2, apiIds[api]);
                insert.setString(3, "seed:read");
                insert.setLong(4, now - 200 * DAY_MS + random.nextLong(199 * DAY_MS));
                insert.addBatch();
                if ((i + 1) % BATCH == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
        db.commit();
        step("API grants", Math.toIntExact(count), t);
    }

    private void seedRevokedAccessTokens(Connection db, String[] clientIds, int count) throws SQLException {
        if (count == 0) {
            return;
        }
        long t = System.nanoTime();
        try (PreparedStatement insert = db.prepareStatement(
                "INSERT INTO revoked_access_tokens (jti, client_id, expires_at) VALUES (?, ?, ?)")) {
            for (int i = 0; i < count; i++) {
                // Issued over the last half hour, oldest first, ending a minute ago; live for an hour.
                long issued = now - 60_000 - HOUR_MS / 2 + (HOUR_MS / 2 * (long) i) / count;
                insert.setString(1, timeOrderedId(issued));
                insert.setString(2, clientIds.length == 0 ? randomBase64Url(16) : clientIds[random.nextInt(clientIds.length)]);
                insert.setLong(3, issued + HOUR_MS);
                insert.addBatch();
                if ((i + 1) % BATCH == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
        db.commit();
        step("revoked access tokens", count, t);
    }

    private void seedWebhookDeliveries(Connection db, int count) throws SQLException {
        if (count == 0) {
            return;
        }
        long t = System.nanoTime();
        String[] webhookIds = new String[WEBHOOKS];
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO webhooks (id, url, events, sealed_secret, "
                + "created_at, failing_since) VALUES (?, ?, ?, 'seed-placeholder-never-unsealed', ?, NULL)")) {
            for (int w = 0; w < WEBHOOKS; w++) {
                webhookIds[w] = randomBase64Url(16);
                insert.setString(1, webhookIds[w]);
                insert.setString(2, "https://seed-webhook-" + w + ".example.test/hook");
                insert.setString(3, WEBHOOK_EVENT);
                insert.setLong(4, now - 30 * DAY_MS);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        int events = (count + WEBHOOKS - 1) / WEBHOOKS;
        long span = 6 * DAY_MS;
        int made = 0;
        try (PreparedStatement event = db.prepareStatement("INSERT INTO webhook_events (id, type, at, ordinal, data, "
                + "fanned_out) VALUES (?, ?, ?, ?, ?, 1)");
             PreparedStatement delivery = db.prepareStatement("INSERT INTO webhook_deliveries (webhook_id, seq, "
                     + "event_id, status, attempts, next_attempt_at, last_status_code, last_error, created_at, "
                     + "updated_at) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)")) {
            for (int e = 0; e < events; e++) {
                long at = now - span + (span * (long) e) / events;
                String eventId = randomBase64Url(16);
                event.setString(1, eventId);
                event.setString(2, WEBHOOK_EVENT);
                event.setLong(3, at);
                event.setLong(4, e);
                event.setString(5, "{\"type\":\"" + WEBHOOK_EVENT + "\",\"id\":\"" + eventId + "\",\"data\":{\"apiKeyId\":\""
                        + randomBase64Url(16) + "\"}}");
                event.addBatch();
                for (int w = 0; w < WEBHOOKS && made < count; w++, made++) {
                    boolean failed = random.nextInt(100) < 3;
                    delivery.setString(1, webhookIds[w]);
                    delivery.setLong(2, e + 1L);
                    delivery.setString(3, eventId);
                    delivery.setString(4, failed ? "failed" : "delivered");
                    delivery.setInt(5, failed ? 8 : 1);
                    delivery.setInt(6, failed ? 503 : 200);
                    delivery.setString(7, failed ? "HTTP 503" : null);
                    delivery.setLong(8, at + 50);
                    delivery.setLong(9, at + (failed ? DAY_MS / 2 : 150));
                    delivery.addBatch();
                }
                if ((e + 1) % (BATCH / WEBHOOKS) == 0) {
                    event.executeBatch();
                    delivery.executeBatch();
                }
            }
            event.executeBatch();
            delivery.executeBatch();
        }
        db.commit();
        step("webhook deliveries", count, t);
    }

    private long expiry() {
        return now + DAY_MS + random.nextLong(29 * DAY_MS);
    }

    /** As core's SecretGenerator.timeOrderedId: 10 base32hex characters of milliseconds, 128 random bits. */
    private String timeOrderedId(long millis) {
        char[] prefix = new char[10];
        for (int i = 9; i >= 0; i--) {
            prefix[i] = BASE32HEX[(int) (millis & 31)];
            millis >>>= 5;
        }
        return new String(prefix) + randomBase64Url(16);
    }

    private String randomBase64Url(int bytes) {
        byte[] buffer = new byte[bytes];
        random.nextBytes(buffer);
        return BASE64URL.encodeToString(buffer);
    }

    private static void step(String what, int rows, long startedNanos) {
        long ms = (System.nanoTime() - startedNanos) / 1_000_000;
        System.err.printf("seed: %-24s %,10d rows %8.1f s%n", what, rows, ms / 1000.0);
    }
}
