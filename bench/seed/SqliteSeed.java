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
 *   <li>revoked families: one for every 100 consumed tokens, also unexpired.
 * </ul>
 *
 * Seeding is not measured, so it runs without fsync and without a journal, then puts the store
 * back in WAL mode and runs ANALYZE. Prints the time of each step.
 *
 * <p>Run with the server jar on the class path (it carries sqlite-jdbc):
 * {@code java -cp server/target/latchkey.jar bench/seed/SqliteSeed.java DB_FILE CLIENTS REFRESH}
 */
public final class SqliteSeed {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final int BATCH = 10_000;
    private static final int TOKENS_PER_FAMILY = 5;
    private static final int TOKENS_PER_REVOKED_FAMILY = 100;
    private static final long DAY_MS = 86_400_000L;
    private static final char[] BASE32HEX = "0123456789abcdefghijklmnopqrstuv".toCharArray();

    private final SplittableRandom random = new SplittableRandom(new SecureRandom().nextLong());
    private final long now = System.currentTimeMillis();

    public static void main(String[] args) throws SQLException {
        if (args.length != 3) {
            System.err.println("usage: SqliteSeed DB_FILE CLIENTS REFRESH_TOKENS");
            System.exit(2);
        }
        new SqliteSeed().seed(args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]));
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
