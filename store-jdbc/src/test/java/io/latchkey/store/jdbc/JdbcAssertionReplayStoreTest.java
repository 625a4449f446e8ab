package io.latchkey.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcAssertionReplayStoreTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path tempDir;
    private SqliteDatabase database;
    private JdbcAssertionReplayStore replays;

    @BeforeEach
    void open() {
        database = SqliteDatabase.open(tempDir.resolve("x.db"));
        replays = new JdbcAssertionReplayStore(database);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aJtiIsUsedOncePerClient() {
        assertThat(replays.useOnce("client-a", "jti-1", NOW.plusSeconds(60))).isTrue();
        assertThat(replays.useOnce("client-a", "jti-1", NOW.plusSeconds(60))).isFalse();
        assertThat(replays.useOnce("client-b", "jti-1", NOW.plusSeconds(60))).isTrue();
    }

    @Test
    void theHousekeepingPurgeForgetsExpiredJtisOnlyEvenWhenAnotherClientSharesTheJti() {
        replays.useOnce("client-a", "shared", NOW.minusSeconds(1));
        replays.useOnce("client-b", "shared", NOW.plus(Duration.ofMinutes(4)));

        assertThat(new JdbcRevocationStore(database).purgeExpired(NOW)).isEqualTo(1);

        assertThat(replays.useOnce("client-a", "shared", NOW.plusSeconds(60))).isTrue();
        assertThat(replays.useOnce("client-b", "shared", NOW.plusSeconds(60))).isFalse();
    }
}
