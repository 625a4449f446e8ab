package io.latchkey.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeasesTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TTL = Duration.ofMinutes(10);

    @TempDir
    Path tempDir;
    private SqliteDatabase database;
    private Leases leases;

    @BeforeEach
    void open() {
        database = SqliteDatabase.open(tempDir.resolve("x.db"));
        leases = new Leases(database);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aLeaseIsHeldByOneInstanceAtATime() {
        assertThat(leases.tryAcquire("purge", "a", NOW, TTL)).isTrue();
        assertThat(leases.tryAcquire("purge", "b", NOW.plusSeconds(1), TTL)).isFalse();
        assertThat(leases.tryAcquire("purge", "a", NOW.plusSeconds(2), TTL)).isTrue();
    }

    @Test
    void anExpiredLeaseCanBeTakenOver() {
        assertThat(leases.tryAcquire("purge", "a", NOW, TTL)).isTrue();

        assertThat(leases.tryAcquire("purge", "b", NOW.plus(TTL).plusMillis(1), TTL)).isTrue();
        assertThat(leases.tryAcquire("purge", "a", NOW.plus(TTL).plusMillis(2), TTL)).isFalse();
    }

    @Test
    void purgingDeletesEveryExpiredRowInBoundedBatches() {
        JdbcRevocationStore store = new JdbcRevocationStore(database);
        for (int i = 0; i < 2_500; i++) {
            store.consumeRefreshToken("expired-" + i, "fam", "client", NOW.minusSeconds(1));
        }
        store.consumeRefreshToken("live", "fam", "client", NOW.plusSeconds(60));

        assertThat(store.purgeExpired(NOW)).isEqualTo(2_500);
        assertThat(store.isRefreshTokenConsumed("live")).isTrue();
        assertThat(store.isRefreshTokenConsumed("expired-7")).isFalse();
    }
}
