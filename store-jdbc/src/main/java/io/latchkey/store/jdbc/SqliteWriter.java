package io.latchkey.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: the one thread that writes to the SQLite file. Callers queue units of work; the
 * thread takes whatever is queued (up to {@link #MAX_BATCH}), runs the units one after another in
 * one {@code BEGIN IMMEDIATE … COMMIT}, each inside its own {@code SAVEPOINT}, and completes every
 * unit's future only after the {@code COMMIT} — the one fsync of the batch — returned.
 *
 * <p>Why: with {@code synchronous=FULL} every commit waits for the disk, so one transaction per
 * request caps durable writes at one per fsync. A batch costs one fsync whatever its size, and a
 * batch grows exactly when requests arrive faster than the disk syncs.
 *
 * <p>What does not change: nothing is acknowledged before it is on disk (a failed {@code COMMIT}
 * fails every unit of the batch); the units of a batch run serially on one connection, so each
 * sees the writes of those before it and a constraint decides between two of them exactly as
 * between two transactions ({@code INSERT … ON CONFLICT DO NOTHING} on one key: one wins); a unit
 * that throws is rolled back to its savepoint and fails alone.
 *
 * <p>Each unit compiles nothing it ran before: the control statements of a batch and the
 * statements of the hot transactions ({@link Prepared}) stay prepared on this thread's connection
 * ({@link KeptStatements}), and are all prepared again after anything failed.
 *
 * <p>Checkpoints are not this thread's work ({@link WalCheckpointer}): the connection runs with
 * {@code wal_autocheckpoint=0}, and only when the log passed its bound does this thread restart
 * it, between two batches, after the futures of the first were completed.
 */
final class SqliteWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteWriter.class);

    /** Most units in one transaction: bounds the latency a batch adds to its first unit. */
    static final int MAX_BATCH = 256;

    private final Connection connection;
    private final String name;
    private final WalCheckpointer checkpointer;
    private final BlockingQueue<Unit<?>> queue = new LinkedBlockingQueue<>();
    private final KeptStatements kept;
    private final Thread thread;
    private volatile boolean closed;
    private volatile long batchesCommitted;

    /** A unit of work and the future its caller waits on. */
    private record Unit<T>(SqlWork<T> work, CompletableFuture<T> done) {
    }

    /**
     * {@code connection} in auto-commit mode (this class begins and commits itself) and with
     * {@code wal_autocheckpoint=0}; {@code checkpointer} hears of every commit.
     */
    SqliteWriter(Connection connection, String name, WalCheckpointer checkpointer) {
        this.connection = connection;
        this.name = name;
        this.checkpointer = checkpointer;
        this.kept = new KeptStatements(connection);
        this.thread = new WriterThread(this::run, kept);
        thread.setDaemon(true);
        thread.start();
    }

    /** The writer's thread, which carries its kept statements for {@link Prepared}. */
    private static final class WriterThread extends Thread {
        private final KeptStatements kept;

        WriterThread(Runnable run, KeptStatements kept) {
            super(run, "latchkey-sqlite-writer");
            this.kept = kept;
        }
    }

    /** Whether the calling thread is this writer's, running a unit. */
    boolean isWriterThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * The kept statements of {@code connection} when the calling thread is the writer running a
     * unit on it; null anywhere else.
     */
    static KeptStatements keptStatements(Connection connection) {
        return Thread.currentThread() instanceof WriterThread writer && writer.kept.isFor(connection)
                ? writer.kept : null;
    }

    /**
     * Queues {@code work}; the future completes after the batch holding it committed, with the
     * work's result, or exceptionally with what it threw (or with the failure of the commit).
     */
    <T> CompletableFuture<T> submit(SqlWork<T> work) {
        if (Thread.currentThread() == thread) {
            // A unit waiting on a later unit would wait for its own batch to commit: never.
            throw new IllegalStateException("a SQLite transaction cannot start another one");
        }
        if (closed) {
            throw closedError();
        }
        Unit<T> unit = new Unit<>(work, new CompletableFuture<>());
        queue.add(unit);
        if (!thread.isAlive()) {
            failQueued(); // the writer stopped between our check and our add
        }
        return unit.done();
    }

    private void run() {
        List<Unit<?>> batch = new ArrayList<>(MAX_BATCH);
        List<Object> results = new ArrayList<>(MAX_BATCH);
        while (BatchQueue.take(queue, batch, MAX_BATCH, () -> closed)) {
            try {
                runBatch(batch, results);
            } catch (RuntimeException | Error e) {
                StoreException failure = new StoreException("SQLite transaction failed", e);
                batch.forEach(unit -> unit.done().completeExceptionally(failure));
                LOG.error("The SQLite writer failed a batch", e);
            }
            batch.clear();
            results.clear();
            if (checkpointer.restartWanted()) {
                restartLog();
            }
        }
        kept.discard();
    }

    /** The log passed its bound: copy the rest of it and start it over, before the next batch. */
    private void restartLog() {
        try {
            checkpointer.restart(connection);
        } catch (SQLException | RuntimeException e) {
            // Commits stay durable in the log; the next batch tries again.
            LOG.warn("The SQLite writer could not restart the write-ahead log: {}", e.toString());
        }
    }

    private void runBatch(List<Unit<?>> batch, List<Object> results) {
        try (Statement control = connection.createStatement()) {
            // IMMEDIATE takes the write lock up front: another process sharing the file makes us
            // wait (busy timeout) here rather than fail a unit midway with SQLITE_BUSY.
            kept.get("BEGIN IMMEDIATE").execute();
            try {
                for (Unit<?> unit : batch) {
                    results.add(runUnit(control, unit));
                }
                kept.get("COMMIT").execute();
                batchesCommitted++; // only this thread writes it
                checkpointer.committed();
            } catch (SQLException | RuntimeException e) {
                rollback(control, e);
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            // BEGIN or COMMIT failed, or a savepoint could not be undone: nothing of the batch
            // is on disk, so no unit may report success.
            kept.discard();
            StoreException failure = new StoreException("SQLite transaction failed", e);
            for (Unit<?> unit : batch) {
                unit.done().completeExceptionally(failure);
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results.get(i));
        }
    }

    /** Runs one unit in its own savepoint; what it threw becomes its result, as a {@link Failed}. */
    private Object runUnit(Statement control, Unit<?> unit) throws SQLException {
        kept.get("SAVEPOINT unit").execute();
        Object result;
        try {
            result = unit.work().run(connection);
        } catch (Throwable e) { // NOPMD: whatever the unit throws is its caller's, not the batch's
            kept.discard(); // the driver finalized the statement that failed
            // If this throws, the connection is in no known state: the batch fails as a whole.
            control.execute("ROLLBACK TO unit");
            control.execute("RELEASE unit");
            return new Failed(e);
        }
        kept.get("RELEASE unit").execute();
        return result;
    }

    /** The outcome of a unit that threw; it fails its caller after the batch commits. */
    private record Failed(Throwable error) {
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Unit<T> unit, Object result) {
        if (result instanceof Failed failed) {
            Throwable error = failed.error();
            unit.done().completeExceptionally(error instanceof SQLException
                    ? new StoreException("SQLite transaction failed", error) : error);
        } else {
            unit.done().complete((T) result);
        }
    }

    private static void rollback(Statement control, Exception cause) {
        try {
            control.execute("ROLLBACK");
        } catch (SQLException e) {
            cause.addSuppressed(e); // SQLite may have rolled back by itself (I/O error, full disk)
        }
    }

    private void failQueued() {
        Unit<?> unit;
        while ((unit = queue.poll()) != null) {
            unit.done().completeExceptionally(closedError());
        }
    }

    private StoreException closedError() {
        return new StoreException(name + " is closed", null);
    }

    /** Units waiting for the writer (tests use it to know a batch is lined up). */
    int queued() {
        return queue.size();
    }

    /** Transactions committed so far: one fsync each. */
    long batchesCommitted() {
        return batchesCommitted;
    }

    /** Lets the queued work commit, then stops the thread; later submissions fail. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("The SQLite writer did not stop within 30 s");
        }
        failQueued();
    }
}
