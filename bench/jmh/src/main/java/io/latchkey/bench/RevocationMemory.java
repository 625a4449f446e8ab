package io.latchkey.bench;

import io.latchkey.core.secret.SecretGenerator;
import io.latchkey.core.token.RevocationList;
import io.latchkey.core.token.TokenSettings;
import io.latchkey.store.jdbc.JdbcRevocationStore;
import io.latchkey.store.jdbc.SqliteDatabase;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What revocations cost in memory: writes N revocations (default 1,000,000: half of them access
 * tokens, half families) to a fresh SQLite store, loads them into a {@link RevocationList} as a
 * server's start does, and prints the heap in use after a full collection, before and after.
 * With {@code --strings}, fills the form the list had before (a {@code ConcurrentHashMap} from
 * id to {@code Instant}) instead, for comparison.
 *
 * <pre>
 * java -Xmx128m -cp bench/jmh/target/benchmarks.jar io.latchkey.bench.RevocationMemory [N] [--strings]
 * </pre>
 */
public final class RevocationMemory {
    private RevocationMemory() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 && !args[0].startsWith("--") ? Integer.parseInt(args[0]) : 1_000_000;
        boolean strings = List.of(args).contains("--strings");
        SecretGenerator ids = new SecretGenerator(new SecureRandom());
        Clock clock = Clock.systemUTC();
        Instant now = clock.instant();
        TokenSettings settings = new TokenSettings("https://bench", List.of("api"), Duration.ofHours(1),
                Duration.ofDays(30));
        if (strings) {
            long before = heapAfterCollection();
            Map<String, Instant> old = new ConcurrentHashMap<>();
            for (int i = 0; i < n; i++) {
                old.put(ids.timeOrderedId(now), now.plus(Duration.ofHours(1)));
            }
            report("String -> Instant map (the old form)", n, heapAfterCollection() - before, -1);
            java.lang.ref.Reference.reachabilityFence(old);
            return;
        }
        Path directory = Files.createTempDirectory("latchkey-revocation-memory");
        try (SqliteDatabase database = SqliteDatabase.open(directory.resolve("latchkey.db"))) {
            seed(database, ids, now, n);
            RevocationList list = new RevocationList(new JdbcRevocationStore(database), settings, clock);
            long before = heapAfterCollection();
            list.load();
            long used = heapAfterCollection() - before;
            report("RevocationList after load()", list.remembered(), used, list.footprintBytes());
            System.out.printf("heap in use after collection, whole process: %.1f MB (max %.0f MB)%n",
                    heapAfterCollection() / 1e6, Runtime.getRuntime().maxMemory() / 1e6);
            java.lang.ref.Reference.reachabilityFence(list);
        } finally {
            try (var files = Files.walk(directory)) {
                for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    /** n revocations: access tokens revoked until an hour from now, and families revoked a minute ago. */
    private static void seed(SqliteDatabase database, SecretGenerator ids, Instant now, int n) {
        database.transaction(connection -> {
            try (PreparedStatement tokens = connection.prepareStatement(
                    "INSERT INTO revoked_access_tokens (jti, client_id, expires_at) VALUES (?, 'bench', ?)");
                 PreparedStatement families = connection.prepareStatement(
                         "INSERT INTO revoked_families (family_id, client_id, revoked_at, expires_at) "
                                 + "VALUES (?, 'bench', ?, ?)")) {
                for (int i = 0; i < n; i++) {
                    if (i % 2 == 0) {
                        tokens.setString(1, ids.timeOrderedId(now));
                        tokens.setLong(2, now.plus(Duration.ofHours(1)).toEpochMilli());
                        tokens.addBatch();
                    } else {
                        families.setString(1, ids.id());
                        families.setLong(2, now.minusSeconds(60).toEpochMilli());
                        families.setLong(3, now.plus(Duration.ofDays(30)).toEpochMilli());
                        families.addBatch();
                    }
                    if (i % 10_000 == 9_999) {
                        tokens.executeBatch();
                        families.executeBatch();
                    }
                }
                tokens.executeBatch();
                families.executeBatch();
            }
            return null;
        });
    }

    private static void report(String what, long entries, long bytes, long footprint) {
        System.out.printf("%s: %,d entries, %.1f MB of heap, %.1f bytes each%s%n", what, entries, bytes / 1e6,
                bytes / (double) entries, footprint < 0 ? "" : String.format(" (tables: %.1f MB)", footprint / 1e6));
    }

    private static long heapAfterCollection() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
