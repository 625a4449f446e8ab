package io.latchkey.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.apikey.ApiKey;
import io.latchkey.core.apikey.ApiKeyRole;
import io.latchkey.core.audit.AuditAction;
import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditQuery;
import io.latchkey.core.token.ConsumeResult;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit: the units queued while the writer is busy commit together, and still behave as
 * if each had been its own transaction. Every test first parks the writer inside a unit, lines
 * the units under test up behind it, then lets it go, so they run in one batch for certain.
 */
class SqliteGroupCommitTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path tempDir;
    private SqliteDatabase database;
    private final CountDownLatch writerParked = new CountDownLatch(1);
    private final CountDownLatch releaseWriter = new CountDownLatch(1);
    private ExecutorService callers;

    @BeforeEach
    void open() {
        database = SqliteDatabase.open(tempDir.resolve("x.db"));
        callers = Executors.newCachedThreadPool();
    }

    @AfterEach
    void close() {
        releaseWriter.countDown();
        callers.shutdownNow();
        database.close();
    }

    @Test
    void ofTwoConsumptionsOfOneJtiInOneBatchExactlyOneWins() throws Exception {
        JdbcRevocationStore store = new JdbcRevocationStore(database);
        parkWriter();
        Future<ConsumeResult> first = callers.submit(() -> store.consumeRefreshToken("jti-1", "fam-1", "c", NOW));
        Future<ConsumeResult> second = callers.submit(() -> store.consumeRefreshToken("jti-1", "fam-1", "c", NOW));
        awaitQueued(2);
        long commitsBefore = database.commits();

        releaseWriter.countDown();

        assertThat(List.of(first.get(20, TimeUnit.SECONDS), second.get(20, TimeUnit.SECONDS)))
                .containsExactlyInAnyOrder(ConsumeResult.CONSUMED, ConsumeResult.ALREADY_USED);
        assertThat(database.commits() - commitsBefore).isEqualTo(2); // the parked unit's batch + theirs
        assertThat(store.isRefreshTokenConsumed("jti-1")).isTrue();
    }

    @Test
    void aFailingUnitIsRolledBackAloneAndTheRestOfItsBatchCommits() throws Exception {
        parkWriter();
        CompletableFuture<Object> before = database.transactionAsync(insertApiKey("k-before"));
        CompletableFuture<Object> failing = database.transactionAsync(connection -> {
            insertApiKey("k-failing").run(connection);
            throw new SQLException("boom");
        });
        CompletableFuture<Object> duplicate = database.transactionAsync(insertApiKey("k-before"));
        CompletableFuture<Object> after = database.transactionAsync(insertApiKey("k-after"));

        releaseWriter.countDown();

        before.get(20, TimeUnit.SECONDS);
        after.get(20, TimeUnit.SECONDS);
        assertThat(failing).failsWithin(DEADLINE).withThrowableThat().havingRootCause().withMessage("boom");
        assertThat(duplicate).failsWithin(DEADLINE).withThrowableThat().havingCause()
                .isInstanceOf(StoreException.class);
        assertThat(new JdbcApiKeyStore(database).list()).extracting(ApiKey::id)
                .containsExactlyInAnyOrder("k-before", "k-after");
    }

    @Test
    void noUnitIsAcknowledgedBeforeItsBatchIsCommitted() throws Exception {
        parkWriter();
        AtomicInteger acknowledgedButNotCommitted = new AtomicInteger();
        List<CompletableFuture<Void>> checked = new ArrayList<>();
        try (Connection outsider = DriverManager.getConnection("jdbc:sqlite:" + tempDir.resolve("x.db"))) {
            for (int i = 0; i < 20; i++) {
                String id = "k" + i;
                // Runs the moment the unit's future completes: by then another connection must see
                // the row, which it only does once the transaction holding it committed.
                checked.add(database.transactionAsync(insertApiKey(id)).thenAccept(ignored -> {
                    if (!visible(outsider, id)) {
                        acknowledgedButNotCommitted.incrementAndGet();
                    }
                }));
            }
            releaseWriter.countDown();
            CompletableFuture.allOf(checked.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        }

        assertThat(acknowledgedButNotCommitted).hasValue(0);
    }

    @Test
    void writesQueuedBehindACommitShareTheNextOne() throws Exception {
        parkWriter();
        List<Future<?>> writes = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            String id = "k" + i;
            writes.add(callers.submit(() -> new JdbcApiKeyStore(database)
                    .insert(new ApiKey(id, "hash-" + id, null, NOW, ApiKeyRole.ADMIN))));
        }
        awaitQueued(64);
        long commitsBefore = database.commits();

        releaseWriter.countDown();
        for (Future<?> write : writes) {
            write.get(20, TimeUnit.SECONDS);
        }

        assertThat(database.commits() - commitsBefore).isEqualTo(2);
        assertThat(new JdbcApiKeyStore(database).list()).hasSize(64);
    }

    @Test
    void aKeptStatementThatFailedIsPreparedAgainForTheUnitsAfterIt() throws Exception {
        JdbcAuditLog audit = new JdbcAuditLog(database);
        audit.append(event("e-1"));
        parkWriter();
        // The same kept INSERT fails (primary key) in one unit and must work in the next, in the
        // same batch and in the batches after it.
        Future<?> duplicate = callers.submit(() -> audit.append(event("e-1")));
        awaitQueued(1);
        Future<?> next = callers.submit(() -> audit.append(event("e-2")));
        awaitQueued(2);

        releaseWriter.countDown();

        assertThat(duplicate).failsWithin(DEADLINE).withThrowableThat().havingCause().isInstanceOf(StoreException.class);
        next.get(20, TimeUnit.SECONDS);
        audit.append(event("e-3"));
        assertThat(audit.find(new AuditQuery(null, null, null, null, null, 10))).extracting(AuditEvent::id)
                .containsExactlyInAnyOrder("e-1", "e-2", "e-3");
    }

    @Test
    void aKeptStatementTheDriverFinalizedAfterAFailureIsPreparedAgain() {
        // A runtime error other than a constraint (here an overflow; a full disk in production)
        // makes sqlite-jdbc finalize the statement without marking it closed.
        String sql = "SELECT abs(?)";
        long answer = database.transaction(connection -> {
            try (Prepared select = Prepared.on(connection, sql)) {
                select.statement().setLong(1, Long.MIN_VALUE);
                select.statement().executeQuery().close();
                return 0L;
            } catch (SQLException overflow) {
                // caught, and the unit goes on with the same statement
            }
            try (Prepared select = Prepared.on(connection, sql)) {
                select.statement().setLong(1, -5);
                try (ResultSet rows = select.statement().executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });

        assertThat(answer).isEqualTo(5);
    }

    private static AuditEvent event(String id) {
        return new AuditEvent(id, NOW, AuditAction.CLIENT_CREATED, "admin", "127.0.0.1", "c1", null);
    }

    @Test
    void readsDoNotWaitBehindTheWriter() {
        parkWriter();
        CompletableFuture<Object> queuedWrite = database.transactionAsync(insertApiKey("k1"));

        assertThat(new JdbcApiKeyStore(database).list()).isEmpty();
        assertThat(database.isReachable()).isTrue();
        assertThat(queuedWrite).isNotDone();
    }

    @Test
    void aReadCannotWrite() {
        assertThatThrownBy(() -> database.read(insertApiKey("k1"))).isInstanceOf(StoreException.class);
        assertThat(new JdbcApiKeyStore(database).list()).isEmpty();
    }

    @Test
    void aTransactionStartedInsideAUnitJoinsItAndCommitsWithItInOneCommit() {
        long commitsBefore = database.commits();

        database.transaction(connection -> {
            database.transaction(insertApiKey("k1"));
            return insertApiKey("k2").run(connection);
        });

        assertThat(new JdbcApiKeyStore(database).list()).extracting(ApiKey::id).containsExactlyInAnyOrder("k1", "k2");
        assertThat(database.commits() - commitsBefore).isEqualTo(1);
    }

    @Test
    void aTransactionStartedInsideAUnitRollsBackWithIt() {
        assertThatThrownBy(() -> database.transaction(connection -> {
            database.transaction(insertApiKey("k1"));
            throw new SQLException("the enclosing unit fails after its joined transaction returned");
        })).isInstanceOf(StoreException.class);

        assertThat(new JdbcApiKeyStore(database).list()).isEmpty();
    }

    @Test
    void aUnitThatQueuesATransactionFailsInsteadOfWaitingForever() {
        // Queued behind the unit, it would wait for the batch that waits for it: never.
        assertThatThrownBy(() -> database.transaction(connection -> database.transactionAsync(insertApiKey("k1"))))
                .isInstanceOf(IllegalStateException.class);
        assertThat(new JdbcApiKeyStore(database).list()).isEmpty();
    }

    @Test
    void closingCommitsWhatIsQueuedAndRefusesWhatComesAfter() throws Exception {
        parkWriter();
        List<String> accepted = new ArrayList<>(List.of("k0"));
        List<CompletableFuture<Object>> queued = new ArrayList<>(List.of(database.transactionAsync(insertApiKey("k0"))));
        Future<?> closing = callers.submit(database::close);
        String refused = null;
        for (int i = 1; refused == null; i++) {
            String id = "k" + i;
            try {
                queued.add(database.transactionAsync(insertApiKey(id)));
                accepted.add(id);
            } catch (StoreException closed) {
                refused = id;
            }
        }

        releaseWriter.countDown();
        for (CompletableFuture<Object> unit : queued) {
            unit.get(20, TimeUnit.SECONDS);
        }
        closing.get(20, TimeUnit.SECONDS);

        try (SqliteDatabase reopened = SqliteDatabase.open(tempDir.resolve("x.db"))) {
            assertThat(new JdbcApiKeyStore(reopened).list()).extracting(ApiKey::id)
                    .containsExactlyInAnyOrderElementsOf(accepted).doesNotContain(refused);
        }
    }

    /** Occupies the writer thread with a unit that waits for {@link #releaseWriter}. */
    private void parkWriter() {
        database.transactionAsync(connection -> {
            writerParked.countDown();
            try {
                return releaseWriter.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException closing) {
                return false; // close() wakes the writer; carry on with the queue
            }
        });
        try {
            assertThat(writerParked.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private void awaitQueued(int units) {
        awaitTrue(() -> database.pendingTransactions() == units);
    }

    private static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + DEADLINE);
            }
            Thread.onSpinWait();
        }
    }

    private static SqlWork<Object> insertApiKey(String id) {
        return connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO api_keys (id, key_hash, name, created_at) VALUES (?, ?, null, 0)")) {
                insert.setString(1, id);
                insert.setString(2, "hash-" + id);
                return insert.executeUpdate();
            }
        };
    }

    private static boolean visible(Connection connection, String id) {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM api_keys WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
