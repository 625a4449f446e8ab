package io.latchkey.store.jdbc;

import io.latchkey.core.token.ConsumeResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for refresh-token consumption on PostgreSQL. Callers queue a consumption and wait;
 * a thread takes whatever is queued (up to {@link #MAX_BATCH}) and records it with one statement
 * in auto-commit, so one round trip and one WAL flush cover the whole batch:
 *
 * <pre>
 * WITH consumed AS (INSERT INTO consumed_refresh_tokens … VALUES (…), (…) …
 *                   ON CONFLICT (jti) DO NOTHING RETURNING jti, family_id)
 * SELECT consumed.jti, revoked_families.family_id FROM consumed LEFT JOIN revoked_families …
 * </pre>
 *
 * <p>Why: one transaction per refresh costs three round trips (the insert, the revoked-family
 * check, the commit) and holds a pooled connection across its WAL flush, which capped refresh at
 * the pool size divided by that latency, well below what the server inserts on its own. A batch
 * grows exactly when refreshes arrive faster than a statement commits. {@link #LANES} threads take
 * batches, so one batch gathers while another is at the database, and a slow statement does not
 * hold every refresh up.
 *
 * <p>What does not change (SPEC §5): nothing is answered before its batch committed; the primary
 * key, not this process, decides between concurrent consumptions of one {@code jti}, so several
 * instances on one database still have exactly one winner; a {@code jti} twice in one batch is
 * inserted once, its first request gets the insert's outcome and the others
 * {@link ConsumeResult#ALREADY_USED}, as if they had run one after another. Each batch inserts in
 * {@code jti} order, so two batches (of this or another instance) that share keys wait for each
 * other instead of deadlocking. A batch that fails fails its own requests only, with a
 * {@link StoreException}; its lane goes on with the next.
 *
 * <p>The SQL is plain SQL:2003 plus {@code ON CONFLICT … DO NOTHING} and {@code RETURNING} in a
 * {@code WITH}, all three of which PostgreSQL, CockroachDB and YugabyteDB accept.
 */
final class PostgresRefreshBatcher implements RefreshTokenConsumer, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresRefreshBatcher.class);

    /** Most consumptions in one statement: bounds its size (four parameters each) and its latency. */
    static final int MAX_BATCH = 256;

    /** Batches at the database at once, one thread and (while it runs) one pooled connection each. */
    static final int LANES = 2;

    /** Attempts of a batch the database rolled back as a deadlock or serialization victim. */
    private static final int ATTEMPTS = 3;

    private final PostgresDatabase database;
    private final BlockingQueue<Consumption> queue = new LinkedBlockingQueue<>();
    private final String[] sqlBySize = new String[MAX_BATCH + 1];
    private final List<Thread> lanes = new ArrayList<>(LANES);
    private final AtomicLong batchesCommitted = new AtomicLong();
    private volatile boolean closed;

    /** One queued consumption and the future its caller waits on. */
    private record Consumption(String jti, String familyId, String clientId, Instant expiresAt,
                               CompletableFuture<ConsumeResult> done) {
    }

    PostgresRefreshBatcher(PostgresDatabase database) {
        this.database = database;
        for (int i = 1; i <= LANES; i++) {
            Thread lane = new Thread(this::run, "latchkey-refresh-batcher-" + i);
            lane.setDaemon(true);
            lanes.add(lane);
        }
        lanes.forEach(Thread::start);
    }

    /** Consumes {@code jti} in the next batch; returns once that batch committed. */
    @Override
    public ConsumeResult consume(String jti, String familyId, String clientId, Instant expiresAt) {
        if (closed) {
            throw closedError();
        }
        Consumption consumption = new Consumption(jti, familyId, clientId, expiresAt, new CompletableFuture<>());
        queue.add(consumption);
        if (lanes.stream().noneMatch(Thread::isAlive)) {
            failQueued(); // the lanes stopped between our check and our add (close() fails the rest)
        }
        return Completion.await(consumption.done(), "PostgreSQL refresh batch failed");
    }

    private void run() {
        List<Consumption> batch = new ArrayList<>(MAX_BATCH);
        while (BatchQueue.take(queue, batch, MAX_BATCH, () -> closed)) {
            try {
                List<ConsumeResult> results = recordWithRetries(batch);
                batchesCommitted.incrementAndGet();
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).done().complete(results.get(i));
                }
            } catch (RuntimeException | Error e) {
                StoreException failure = e instanceof StoreException store ? store
                        : new StoreException("PostgreSQL refresh batch failed", e);
                batch.forEach(consumption -> consumption.done().completeExceptionally(failure));
                if (!(e instanceof StoreException)) {
                    LOG.error("A refresh-token batch failed", e);
                }
            }
            batch.clear();
        }
    }

    private List<ConsumeResult> recordWithRetries(List<Consumption> batch) {
        for (int attempt = 1; ; attempt++) {
            try {
                return database.autoCommit(connection -> record(connection, batch));
            } catch (StoreException e) {
                if (attempt >= ATTEMPTS || !rolledBackAsVictim(e)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Records {@code batch} with one statement on {@code connection} (in auto-commit: the
     * statement is the transaction) and returns each consumption's outcome, in batch order.
     */
    private List<ConsumeResult> record(Connection connection, List<Consumption> batch) throws SQLException {
        // First request per jti, in jti order: the rows the statement inserts.
        Map<String, Consumption> firstByJti = new HashMap<>();
        for (Consumption consumption : batch) {
            firstByJti.putIfAbsent(consumption.jti(), consumption);
        }
        List<Consumption> rows = new ArrayList<>(firstByJti.values());
        rows.sort(Comparator.comparing(Consumption::jti));

        Map<String, Boolean> revokedByInsertedJti = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(sql(rows.size()))) {
            int index = 1;
            for (Consumption row : rows) {
                statement.setString(index++, row.jti());
                statement.setString(index++, row.familyId());
                statement.setString(index++, row.clientId());
                Rows.setInstant(statement, index++, row.expiresAt());
            }
            try (ResultSet inserted = statement.executeQuery()) {
                while (inserted.next()) {
                    // Another instance may have revoked the family a moment ago; its change-log
                    // entry may not have reached this instance yet, the row has. (Spent either way.)
                    revokedByInsertedJti.put(inserted.getString(1), inserted.getString(2) != null);
                }
            }
        }

        List<ConsumeResult> results = new ArrayList<>(batch.size());
        for (Consumption consumption : batch) {
            Boolean revoked = revokedByInsertedJti.get(consumption.jti());
            if (revoked == null || firstByJti.get(consumption.jti()) != consumption) {
                results.add(ConsumeResult.ALREADY_USED);
            } else {
                results.add(revoked ? ConsumeResult.FAMILY_REVOKED : ConsumeResult.CONSUMED);
            }
        }
        return results;
    }

    private String sql(int size) {
        String sql = sqlBySize[size];
        if (sql == null) {
            StringBuilder text = new StringBuilder(200 + size * 16)
                    .append("WITH consumed AS (INSERT INTO consumed_refresh_tokens (jti, family_id, client_id, expires_at) ")
                    .append("VALUES ");
            for (int i = 0; i < size; i++) {
                text.append(i == 0 ? "(?, ?, ?, ?)" : ", (?, ?, ?, ?)");
            }
            text.append(" ON CONFLICT (jti) DO NOTHING RETURNING jti, family_id) ")
                    .append("SELECT consumed.jti, revoked_families.family_id FROM consumed ")
                    .append("LEFT JOIN revoked_families ON revoked_families.family_id = consumed.family_id");
            sql = text.toString();
            sqlBySize[size] = sql; // lanes racing here build the same immutable string
        }
        return sql;
    }

    /**
     * Whether the database rolled the statement back as the victim of a deadlock (40P01) or a
     * serialization conflict (40001, which CockroachDB asks clients to retry): nothing of the batch
     * was written, so running it again is safe.
     */
    private static boolean rolledBackAsVictim(StoreException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState().equals("40001") || sql.getSQLState().equals("40P01");
            }
        }
        return false;
    }

    private void failQueued() {
        Consumption consumption;
        while ((consumption = queue.poll()) != null) {
            consumption.done().completeExceptionally(closedError());
        }
    }

    private static StoreException closedError() {
        return new StoreException("the PostgreSQL store is closed", null);
    }

    /** Consumptions waiting for a lane (tests use it to know a batch is lined up). */
    int queued() {
        return queue.size();
    }

    /** Statements committed so far: one WAL flush each, however many consumptions they held. */
    long batchesCommitted() {
        return batchesCommitted.get();
    }

    /** Lets the queued consumptions commit, then stops the threads; later ones fail. */
    @Override
    public void close() {
        closed = true;
        lanes.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (Thread lane : lanes) {
            try {
                lane.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (lanes.stream().anyMatch(Thread::isAlive)) {
            LOG.warn("The refresh-token batcher did not stop within 30 s");
        }
        failQueued();
    }
}
