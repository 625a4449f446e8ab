package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.secret.SecretGenerator;
import io.latchkey.store.jdbc.SqliteDatabase;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A million revocations in force fit the launcher's heap: a server process with {@code -Xmx128m}
 * (and the launcher's collector) starts on a store holding them, loads them all, and holds them
 * in a bounded heap, measured after a full collection (issue 14, finding 5).
 */
@Tag("sqlite-only") // the process runs on the embedded store, whichever store the suite targets
class RevocationMemoryProcessTest {
    private static final int REVOCATIONS = 1_000_000;

    @Test
    void aServerWith128MbOfHeapLoadsAMillionRevocationsAndStaysUnder100Mb(@TempDir Path dataDir) throws Exception {
        seed(dataDir, Instant.now());

        try (ServerProcess server = ServerProcess.start(List.of("-Xmx128m", "-XX:+UseSerialGC"), dataDir,
                TestServer.ADMIN_KEY)) {
            assertThat(server.get("/health/ready").statusCode()).isEqualTo(200);
            assertThat(metrics(server).value("latchkey_revocations_remembered")).isEqualTo(REVOCATIONS);

            collectGarbage(server.pid());
            PrometheusText metrics = metrics(server);
            double heap = metrics.value("jvm_memory_used_bytes", "area", "heap");
            double tables = metrics.value("latchkey_revocations_memory_bytes");
            System.out.printf("1,000,000 revocations: heap after a full collection %.1f MB, revocation tables %.1f MB%n",
                    heap / 1e6, tables / 1e6);

            assertThat(tables).isLessThan(45e6);
            assertThat(heap).isLessThan(100e6);
            assertThat(server.get("/health/live").statusCode()).isEqualTo(200);
        }
    }

    /** Half revoked access tokens (live for another hour), half families revoked a minute ago. */
    private static void seed(Path dataDir, Instant now) {
        SecretGenerator ids = new SecretGenerator(new SecureRandom());
        try (SqliteDatabase database = SqliteDatabase.open(dataDir.resolve("latchkey.db"))) {
            database.transaction(connection -> {
                try (PreparedStatement tokens = connection.prepareStatement(
                        "INSERT INTO revoked_access_tokens (jti, client_id, expires_at) VALUES (?, 'c', ?)");
                     PreparedStatement families = connection.prepareStatement(
                             "INSERT INTO revoked_families (family_id, client_id, revoked_at, expires_at) "
                                     + "VALUES (?, 'c', ?, ?)")) {
                    for (int i = 0; i < REVOCATIONS; i++) {
                        PreparedStatement insert = i % 2 == 0 ? tokens : families;
                        if (i % 2 == 0) {
                            tokens.setString(1, ids.timeOrderedId(now));
                            tokens.setLong(2, now.plus(Duration.ofHours(1)).toEpochMilli());
                        } else {
                            families.setString(1, ids.id());
                            families.setLong(2, now.minusSeconds(60).toEpochMilli());
                            families.setLong(3, now.plus(Duration.ofDays(30)).toEpochMilli());
                        }
                        insert.addBatch();
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
    }

    private static PrometheusText metrics(ServerProcess server) {
        return PrometheusText.parse(server.get("/metrics").body());
    }

    /** A full collection in the server process, as an operator's {@code jcmd <pid> GC.run} makes one. */
    private static void collectGarbage(long pid) throws Exception {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), "GC.run").redirectErrorStream(true).start();
        assertThat(jcmd.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(jcmd.exitValue()).as(new String(jcmd.getInputStream().readAllBytes())).isZero();
    }
}
