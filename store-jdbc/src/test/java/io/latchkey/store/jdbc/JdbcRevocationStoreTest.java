package io.latchkey.store.jdbc;

import io.latchkey.core.token.ConsumeResult;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcRevocationStoreTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path tempDir;
    private SqliteDatabase database;
    private JdbcRevocationStore store;

    @BeforeEach
    void open() {
        database = SqliteDatabase.open(tempDir.resolve("x.db"));
        store = new JdbcRevocationStore(database);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aRefreshTokenIsConsumedOnceOnly() {
        assertThat(store.isRefreshTokenConsumed("jti-1")).isFalse();

        assertThat(store.consumeRefreshToken("jti-1", "fam-1", "client-1", NOW.plus(Duration.ofDays(1))))
                .isEqualTo(ConsumeResult.CONSUMED);
        assertThat(store.consumeRefreshToken("jti-1", "fam-1", "client-1", NOW.plus(Duration.ofDays(1))))
                .isEqualTo(ConsumeResult.ALREADY_USED);

        assertThat(store.isRefreshTokenConsumed("jti-1")).isTrue();
        assertThat(store.isRefreshTokenConsumed("jti-2")).isFalse();
        assertThat(store.consumeRefreshToken("jti-2", "fam-1", "client-1", NOW.plus(Duration.ofDays(1))))
                .isEqualTo(ConsumeResult.CONSUMED);
    }

    @Test
    void ofTwentyConcurrentConsumptionsOfOneJtiExactlyOneWins() throws Exception {
        int threads = 20;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Boolean>> outcomes = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                outcomes.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return store.consumeRefreshToken("raced", "fam", "client", NOW.plus(Duration.ofDays(1)))
                            == ConsumeResult.CONSUMED;
                }));
            }
            int winners = 0;
            for (Future<Boolean> outcome : outcomes) {
                if (outcome.get(30, TimeUnit.SECONDS)) {
                    winners++;
                }
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void ofTwentyConcurrentConsumptionsThroughSeparateDatabasesExactlyOneWins() throws Exception {
        // Two instances on one file: the database, not an in-process lock, must pick the winner.
        int threads = 20;
        try (SqliteDatabase other = SqliteDatabase.open(tempDir.resolve("x.db"))) {
            JdbcRevocationStore otherStore = new JdbcRevocationStore(other);
            CyclicBarrier start = new CyclicBarrier(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Boolean>> outcomes = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    JdbcRevocationStore target = i % 2 == 0 ? store : otherStore;
                    outcomes.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        return target.consumeRefreshToken("raced", "fam", "client", NOW.plus(Duration.ofDays(1)))
                                == ConsumeResult.CONSUMED;
                    }));
                }
                int winners = 0;
                for (Future<Boolean> outcome : outcomes) {
                    if (outcome.get(60, TimeUnit.SECONDS)) {
                        winners++;
                    }
                }
                assertThat(winners).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void accessTokensAreListedUntilTheyExpireAndFamiliesByWhenTheyWereRevoked() {
        store.revokeFamily("fam-recent", "client", NOW, NOW.plusSeconds(60));
        store.revokeFamily("fam-older", "client", NOW.minusSeconds(120), NOW.plusSeconds(60));
        store.revokeAccessToken("at-live", "client", NOW.plusSeconds(60));
        store.revokeAccessToken("at-gone", "client", NOW);

        assertThat(families(NOW.minusSeconds(60))).containsOnlyKeys("fam-recent").containsEntry("fam-recent", NOW);
        assertThat(families(NOW.minusSeconds(180))).containsOnlyKeys("fam-recent", "fam-older");
        assertThat(accessTokens(NOW)).containsOnlyKeys("at-live").containsEntry("at-live", NOW.plusSeconds(60));
    }

    @Test
    void revokingTwiceKeepsTheFirstRevocation() {
        assertThat(store.revokeFamily("fam", "client", NOW, NOW.plusSeconds(60))).isTrue();
        assertThat(store.revokeFamily("fam", "client", NOW.plusSeconds(1), NOW.plusSeconds(600))).isFalse();
        assertThat(store.revokeAccessToken("at", "client", NOW.plusSeconds(60))).isTrue();
        assertThat(store.revokeAccessToken("at", "client", NOW.plusSeconds(600))).isFalse();

        assertThat(families(NOW.minusSeconds(1))).containsOnlyKeys("fam").containsEntry("fam", NOW);
        assertThat(accessTokens(NOW)).containsOnlyKeys("at").containsEntry("at", NOW.plusSeconds(60));
    }

    @Test
    void aRefreshTokenIsSpentWhenConsumedOrWhenItsFamilyIsRevoked() {
        store.consumeRefreshToken("rt-used", "fam-a", "client", NOW.plusSeconds(60));
        store.revokeFamily("fam-b", "client", NOW, NOW.plusSeconds(60));

        assertThat(store.isRefreshTokenSpent("rt-used", "fam-a")).isTrue();
        assertThat(store.isRefreshTokenSpent("rt-fresh", "fam-b")).isTrue();
        assertThat(store.isRefreshTokenSpent("rt-fresh", "fam-a")).isFalse();
        assertThat(store.isFamilyRevoked("fam-b")).isTrue();
        assertThat(store.isFamilyRevoked("fam-a")).isFalse();
    }

    @Test
    void eachRevocationIsAppendedToTheChangeLogOnceInOrder() {
        ChangeLog log = new ChangeLog(database);
        long before = log.newest();
        store.revokeFamily("fam", "client", NOW, NOW.plusSeconds(60));
        store.revokeFamily("fam", "client", NOW, NOW.plusSeconds(60));
        store.revokeAccessToken("at", "client", NOW.plusSeconds(30));

        ChangeLog.Batch batch = log.after(before, 100);

        assertThat(batch.complete()).isTrue();
        assertThat(batch.newest()).isEqualTo(before + 2);
        assertThat(batch.changes()).extracting(Change::seq, Change::kind, Change::subject, Change::expiresAt)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(before + 1, Change.Kind.FAMILY_REVOKED, "fam", NOW.plusSeconds(60)),
                        org.assertj.core.groups.Tuple.tuple(before + 2, Change.Kind.ACCESS_TOKEN_REVOKED, "at",
                                NOW.plusSeconds(30)));
    }

    @Test
    void purgeRemovesOnlyExpiredRows() {
        store.consumeRefreshToken("rt-expired", "fam", "client", NOW.minusSeconds(1));
        store.consumeRefreshToken("rt-at-now", "fam", "client", NOW);
        store.consumeRefreshToken("rt-live", "fam", "client", NOW.plusSeconds(1));
        store.revokeFamily("fam-expired", "client", NOW.minusSeconds(60), NOW.minusSeconds(1));
        store.revokeFamily("fam-live", "client", NOW.minusSeconds(60), NOW.plusSeconds(1));
        store.revokeAccessToken("at-expired", "client", NOW.minusSeconds(1));
        store.revokeAccessToken("at-live", "client", NOW.plusSeconds(1));

        int purged = store.purgeExpired(NOW);

        assertThat(purged).isEqualTo(4);
        assertThat(store.isRefreshTokenConsumed("rt-expired")).isFalse();
        assertThat(store.isRefreshTokenConsumed("rt-at-now")).isFalse();
        assertThat(store.isRefreshTokenConsumed("rt-live")).isTrue();
        assertThat(families(NOW.minusSeconds(90))).containsOnlyKeys("fam-live");
        assertThat(accessTokens(NOW.minusSeconds(30))).containsOnlyKeys("at-live");
        assertThat(store.purgeExpired(NOW)).isZero();
    }

    @Test
    void everythingSurvivesReopeningTheDatabase() {
        store.consumeRefreshToken("rt", "fam", "client", NOW.plusSeconds(60));
        store.revokeFamily("fam", "client", NOW, NOW.plusSeconds(60));
        store.revokeAccessToken("at", "client", NOW.plusSeconds(60));
        database.close();

        database = SqliteDatabase.open(tempDir.resolve("x.db"));
        store = new JdbcRevocationStore(database);

        assertThat(store.isRefreshTokenConsumed("rt")).isTrue();
        assertThat(store.consumeRefreshToken("rt", "fam", "client", NOW.plusSeconds(60)))
                .isEqualTo(ConsumeResult.ALREADY_USED);
        assertThat(families(NOW.minusSeconds(1))).containsOnlyKeys("fam");
        assertThat(accessTokens(NOW)).containsOnlyKeys("at");
    }

    @Test
    void aTokenOfARevokedFamilyIsNotConsumed() {
        store.revokeFamily("fam-r", "client", NOW, NOW.plusSeconds(60));

        assertThat(store.consumeRefreshToken("jti-r", "fam-r", "client", NOW.plusSeconds(60)))
                .isEqualTo(ConsumeResult.FAMILY_REVOKED);
    }

    private Map<String, Instant> families(Instant revokedAfter) {
        Map<String, Instant> families = new HashMap<>();
        store.forEachRevokedFamily(revokedAfter, families::put);
        return families;
    }

    private Map<String, Instant> accessTokens(Instant now) {
        Map<String, Instant> tokens = new HashMap<>();
        store.forEachRevokedAccessToken(now, tokens::put);
        return tokens;
    }
}
