package io.latchkey.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.token.ConsumeResult;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Refresh-token consumption on PostgreSQL, grouped into one statement per batch, keeps the
 * guarantees of one transaction per refresh. Tests that need several consumptions in one batch
 * for certain first park every lane of the batcher on a row lock held by another transaction (the
 * lanes' statements wait for it, visibly in {@code pg_stat_activity}), line the consumptions up
 * behind them, then let them go.
 */
class PostgresRefreshBatcherTest {
    private static final Instant EXPIRY = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private String url;
    private PostgresDatabase database;
    private JdbcRevocationStore store;
    private ExecutorService callers;

    @BeforeAll
    static void startPostgres() {
        postgres = start(null, 0);
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        postgres.close();
    }

    @BeforeEach
    void open() {
        url = newDatabase(postgres);
        database = PostgresDatabase.open(settings(url, Duration.ofSeconds(5)));
        store = new JdbcRevocationStore(database);
        callers = Executors.newCachedThreadPool();
    }

    @AfterEach
    void close() {
        callers.shutdownNow();
        database.close();
    }

    @Test
    void ofFortyConcurrentConsumptionsOfOneJtiExactlyOneWins() throws Exception {
        List<ConsumeResult> results = raceOnOneJti(List.of(store), 40);

        assertThat(results).filteredOn(result -> result == ConsumeResult.CONSUMED).hasSize(1);
        assertThat(results).filteredOn(result -> result == ConsumeResult.ALREADY_USED).hasSize(39);
    }

    @Test
    void ofFortyConcurrentConsumptionsThroughTwoInstancesExactlyOneWins() throws Exception {
        // Two instances on one database: the primary key, not either batcher, picks the winner.
        try (PostgresDatabase other = PostgresDatabase.open(settings(url, Duration.ofSeconds(5)))) {
            List<ConsumeResult> results = raceOnOneJti(List.of(store, new JdbcRevocationStore(other)), 40);

            assertThat(results).filteredOn(result -> result == ConsumeResult.CONSUMED).hasSize(1);
            assertThat(results).filteredOn(result -> result == ConsumeResult.ALREADY_USED).hasSize(39);
        }
    }

    @Test
    void consumptionsQueuedBehindABatchCommitTogetherAndEachGetsItsOwnOutcome() throws Exception {
        store.consumeRefreshToken("used-before", "fam-1", "client", EXPIRY);
        store.revokeFamily("fam-revoked", "client", EXPIRY.minusSeconds(60), EXPIRY);
        PostgresRefreshBatcher batcher = database.refreshBatcher();

        try (Connection locker = DriverManager.getConnection(url, "postgres", null)) {
            List<Future<ConsumeResult>> parked = parkEveryLane(locker);
            long batchesBefore = batcher.batchesCommitted();
            Map<String, Future<ConsumeResult>> queued = Map.of(
                    "twice-a", consumeLater("twice", "fam-1"),
                    "fresh", consumeLater("fresh", "fam-1"),
                    "used-before", consumeLater("used-before", "fam-1"),
                    "revoked", consumeLater("of-a-revoked-family", "fam-revoked"),
                    "twice-b", consumeLater("twice", "fam-1"));
            awaitTrue(() -> batcher.queued() == queued.size());

            locker.rollback(); // the parked statements insert their rows after all

            for (Future<ConsumeResult> lane : parked) {
                assertThat(lane.get(20, TimeUnit.SECONDS)).isEqualTo(ConsumeResult.CONSUMED);
            }
            assertThat(List.of(queued.get("twice-a").get(20, TimeUnit.SECONDS),
                    queued.get("twice-b").get(20, TimeUnit.SECONDS)))
                    .containsExactlyInAnyOrder(ConsumeResult.CONSUMED, ConsumeResult.ALREADY_USED);
            assertThat(queued.get("fresh").get(20, TimeUnit.SECONDS)).isEqualTo(ConsumeResult.CONSUMED);
            assertThat(queued.get("used-before").get(20, TimeUnit.SECONDS)).isEqualTo(ConsumeResult.ALREADY_USED);
            assertThat(queued.get("revoked").get(20, TimeUnit.SECONDS)).isEqualTo(ConsumeResult.FAMILY_REVOKED);
            // The parked batches, and one for all that queued behind them.
            assertThat(batcher.batchesCommitted() - batchesBefore).isEqualTo(PostgresRefreshBatcher.LANES + 1);
        }
        // A token of a revoked family is spent all the same, as with one transaction per refresh.
        assertThat(store.consumeRefreshToken("of-a-revoked-family", "fam-revoked", "client", EXPIRY))
                .isEqualTo(ConsumeResult.ALREADY_USED);
        assertThat(store.isRefreshTokenConsumed("twice")).isTrue();
        assertThat(store.isRefreshTokenConsumed("fresh")).isTrue();
    }

    @Test
    void aBatchThatFailsFailsOnlyItsOwnConsumptionsAndTheNextBatchCommits() throws Exception {
        try (Connection locker = DriverManager.getConnection(url, "postgres", null)) {
            List<Future<ConsumeResult>> parked = parkEveryLane(locker);
            List<Future<ConsumeResult>> queued = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                queued.add(consumeLater("queued-" + i, "fam-1"));
            }
            awaitTrue(() -> database.refreshBatcher().queued() == queued.size());

            try (Statement kill = locker.createStatement()) {
                kill.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        + "WHERE datname = current_database() AND wait_event_type = 'Lock'");
            }

            for (Future<ConsumeResult> lane : parked) {
                assertThatThrownBy(() -> lane.get(20, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(StoreException.class);
            }
            for (Future<ConsumeResult> consumption : queued) {
                assertThat(consumption.get(20, TimeUnit.SECONDS)).isEqualTo(ConsumeResult.CONSUMED);
            }
            locker.rollback();
        }
        assertThat(store.isRefreshTokenConsumed("parked-1")).isFalse();
    }

    @Test
    void aBatchChosenAsADeadlockVictimIsSentAgainAndCommits() throws Exception {
        try (Connection locker = DriverManager.getConnection(url, "postgres", null);
             Connection rival = DriverManager.getConnection(url, "postgres", null)) {
            try (var statement = rival.createStatement()) {
                // The deadlock is found by whichever waiter's deadlock_timeout expires first. The
                // batch waits first, but on a loaded machine the two timers can fire out of order;
                // a long timeout for the rival makes the batch the victim every time.
                statement.execute("SET deadlock_timeout = '30s'");
            }
            rival.setAutoCommit(false);
            insertUncommitted(rival, "deadlock-b");
            List<Future<ConsumeResult>> parked = parkEveryLane(locker);
            Future<ConsumeResult> a = consumeLater("deadlock-a", "fam-1");
            Future<ConsumeResult> b = consumeLater("deadlock-b", "fam-1");
            awaitTrue(() -> database.refreshBatcher().queued() == 2);
            locker.rollback(); // the lanes go on: one takes both, inserts deadlock-a, waits on deadlock-b
            for (Future<ConsumeResult> lane : parked) {
                lane.get(20, TimeUnit.SECONDS);
            }
            awaitTrue(() -> statementsWaitingOnALock() == 1);

            // The rival now waits on deadlock-a: a cycle. The batch's deadlock check runs first (its
            // timeout is the default 1 s, the rival's 30 s) and rolls it back; the rival's insert goes through.
            Future<?> rivalInsert = callers.submit(() -> {
                insertUncommitted(rival, "deadlock-a");
                return null;
            });
            rivalInsert.get(20, TimeUnit.SECONDS);
            awaitTrue(() -> statementsWaitingOnALock() == 1); // the batch, sent again, waits on the rival
            rival.rollback();

            assertThat(a.get(20, TimeUnit.SECONDS)).isEqualTo(ConsumeResult.CONSUMED);
            assertThat(b.get(20, TimeUnit.SECONDS)).isEqualTo(ConsumeResult.CONSUMED);
        }
    }

    @Test
    void whileTheDatabaseIsDownConsumptionsFailWithTheStoreErrorAndAfterwardsTheySucceedAgain() throws Exception {
        Path dataDir = Files.createTempDirectory("latchkey-pg");
        int port = freePort();
        EmbeddedPostgres own = start(dataDir, port);
        try {
            String ownUrl = newDatabase(own);
            Duration timeout = Duration.ofSeconds(1);
            try (PostgresDatabase outage = PostgresDatabase.open(settings(ownUrl, timeout))) {
                JdbcRevocationStore outageStore = new JdbcRevocationStore(outage);
                assertThat(outageStore.consumeRefreshToken("before", "fam", "client", EXPIRY))
                        .isEqualTo(ConsumeResult.CONSUMED);

                own.close();

                List<Future<ConsumeResult>> during = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    String jti = "during-" + i;
                    during.add(callers.submit(() -> outageStore.consumeRefreshToken(jti, "fam", "client", EXPIRY)));
                }
                for (Future<ConsumeResult> consumption : during) {
                    // Bounded by the connection timeout: a failure, never a hang.
                    assertThatThrownBy(() -> consumption.get(20, TimeUnit.SECONDS))
                            .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(StoreException.class);
                }

                own = start(dataDir, port);

                awaitTrue(() -> {
                    try {
                        return outageStore.consumeRefreshToken("after", "fam", "client", EXPIRY)
                                == ConsumeResult.CONSUMED;
                    } catch (StoreException stillDown) {
                        return false;
                    }
                });
                assertThat(outageStore.isRefreshTokenConsumed("during-0")).isFalse();
            }
        } finally {
            own.close();
        }
    }

    private List<ConsumeResult> raceOnOneJti(List<JdbcRevocationStore> stores, int threads) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<ConsumeResult>> outcomes = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            JdbcRevocationStore target = stores.get(i % stores.size());
            outcomes.add(callers.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                return target.consumeRefreshToken("raced", "fam", "client", EXPIRY);
            }));
        }
        List<ConsumeResult> results = new ArrayList<>();
        for (Future<ConsumeResult> outcome : outcomes) {
            results.add(outcome.get(30, TimeUnit.SECONDS));
        }
        return results;
    }

    /**
     * Per lane, inserts {@code parked-<n>} in an open transaction on {@code locker}, then consumes
     * it: the lane's statement waits on that row until {@code locker} ends its transaction.
     */
    private List<Future<ConsumeResult>> parkEveryLane(Connection locker) throws Exception {
        locker.setAutoCommit(false);
        List<Future<ConsumeResult>> parked = new ArrayList<>();
        for (int lane = 1; lane <= PostgresRefreshBatcher.LANES; lane++) {
            String jti = "parked-" + lane;
            insertUncommitted(locker, jti);
            parked.add(consumeLater(jti, "fam-1"));
            int waiting = lane;
            awaitTrue(() -> statementsWaitingOnALock() == waiting);
        }
        return parked;
    }

    /** Inserts {@code jti}'s row on {@code connection}, which is in a transaction. */
    private static void insertUncommitted(Connection connection, String jti) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO consumed_refresh_tokens "
                + "(jti, family_id, client_id, expires_at) VALUES (?, 'fam-1', 'client', 0)")) {
            insert.setString(1, jti);
            insert.executeUpdate();
        }
    }

    private Future<ConsumeResult> consumeLater(String jti, String familyId) {
        return callers.submit(() -> store.consumeRefreshToken(jti, familyId, "client", EXPIRY));
    }

    private int statementsWaitingOnALock() {
        try (Connection observer = DriverManager.getConnection(url, "postgres", null);
             Statement query = observer.createStatement();
             ResultSet rows = query.executeQuery("SELECT count(*) FROM pg_stat_activity "
                     + "WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
            rows.next();
            return rows.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + DEADLINE);
            }
            Thread.sleep(10); // polling a condition, with a deadline
        }
    }

    private static DatabaseSettings settings(String url, Duration operationTimeout) {
        return new DatabaseSettings(url, "postgres", null, 10, operationTimeout, Duration.ofSeconds(30));
    }

    /** The embedded server turns fsync off for speed; these tests claim durability, so it is on. */
    private static EmbeddedPostgres start(Path dataDir, int port) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on");
            if (dataDir != null) {
                builder.setDataDirectory(dataDir).setCleanDataDirectory(false);
            }
            if (port > 0) {
                builder.setPort(port);
            }
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String newDatabase(EmbeddedPostgres server) {
        String name = "batcher_" + DATABASES.incrementAndGet();
        try (Connection connection = server.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return server.getJdbcUrl("postgres", name);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
