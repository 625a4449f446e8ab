package io.latchkey.store.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the SQLite write-ahead log back into the database file on a thread and connection of its
 * own, so that the writer never does it.
 *
 * <p>Why: SQLite's default ({@code wal_autocheckpoint}, 1000 pages) checkpoints on the connection
 * that just committed, before its commit returns. Our one writer would then stall every queued
 * refresh behind a checkpoint, and on a large store each commit dirties many pages (a random
 * {@code jti} lands on a random leaf of a large index), so that happens often and takes long. The
 * writer therefore runs with {@code wal_autocheckpoint=0}, and this class runs a {@code PASSIVE}
 * checkpoint — which never blocks the writer nor waits for it — at most every
 * {@link Settings#interval()} while there are new commits.
 *
 * <p>The bound: a {@code PASSIVE} checkpoint copies what was committed when it started, but under
 * a steady load the writer has always committed more by the time it ends, and SQLite starts the
 * log over only when a write finds it completely copied. So when a checkpoint reports a log of
 * {@link Settings#restartFrames()} frames or more, the writer is asked to run a {@code RESTART}
 * checkpoint itself between two batches ({@link #restartWanted()}): most of the log is copied by
 * then, and with no other writer the rest is copied at once and the log starts over. The log
 * therefore stays near {@code restartFrames} pages whatever the load.
 *
 * <p>Durability does not depend on this class: with {@code synchronous=FULL} every commit is
 * fsynced to the log before it returns, and a log not yet copied is replayed by the next open.
 */
final class WalCheckpointer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WalCheckpointer.class);

    /**
     * When to checkpoint.
     *
     * @param interval      least time between two background checkpoints
     * @param restartFrames log size, in pages, past which the writer restarts the log itself
     */
    record Settings(Duration interval, int restartFrames) {
        /** 100 ms; 8192 pages (32 MiB of log at SQLite's 4 KiB pages). */
        static final Settings DEFAULTS = new Settings(Duration.ofMillis(100), 8192);
    }

    /** A checkpoint's report: {@code PRAGMA wal_checkpoint}'s row. */
    record Outcome(boolean busy, int logFrames, int checkpointedFrames) {
    }

    private final Connection connection;
    private final Settings settings;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition commitsArrived = lock.newCondition();
    private long commitsSeen; // guarded by lock
    private long commitsCheckpointed; // only the checkpointer's thread
    private boolean closed; // guarded by lock
    private volatile boolean restartWanted;
    private volatile long checkpoints;
    private volatile long restarts;

    /** {@code connection}: a connection of its own to the WAL-mode database, closed by {@link #close}. */
    WalCheckpointer(Connection connection, Settings settings) {
        this.connection = connection;
        this.settings = settings;
        this.thread = new Thread(this::run, "latchkey-sqlite-checkpointer");
        thread.setDaemon(true);
        thread.start();
    }

    /** The writer committed a transaction: the log grew. Cheap; called on the writer's thread. */
    void committed() {
        lock.lock();
        try {
            commitsSeen++;
            commitsArrived.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the log passed the bound: the writer should run {@link #restart} between batches. */
    boolean restartWanted() {
        return restartWanted;
    }

    /**
     * Runs a {@code RESTART} checkpoint on the writer's {@code writeConnection} (outside any
     * transaction): copies what is left of the log and waits for readers to leave it, so that
     * the next commit writes the log from its start.
     */
    void restart(Connection writeConnection) throws SQLException {
        Outcome outcome = checkpoint(writeConnection, "RESTART");
        if (!outcome.busy()) {
            restartWanted = false;
            restarts++;
        }
    }

    private void run() {
        long intervalNanos = settings.interval().toNanos();
        while (awaitCommits()) {
            if (restartWanted) {
                // The writer is about to copy the rest itself; a passive pass now would only
                // hold the checkpoint lock it needs and make it try again a batch later.
                pause(intervalNanos);
                continue;
            }
            try {
                Outcome outcome = checkpoint(connection, "PASSIVE");
                checkpoints++;
                if (outcome.logFrames() >= settings.restartFrames()) {
                    restartWanted = true;
                }
            } catch (SQLException | RuntimeException e) {
                // The next commit brings the next try; the writer's commits do not depend on us.
                LOG.warn("A background SQLite checkpoint failed: {}", e.toString());
            }
            pause(intervalNanos);
        }
    }

    /** Waits for commits not yet checkpointed; false once closed. */
    private boolean awaitCommits() {
        lock.lock();
        try {
            while (!closed && commitsSeen == commitsCheckpointed) {
                commitsArrived.awaitUninterruptibly();
            }
            commitsCheckpointed = commitsSeen;
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    /** Paces the checkpoints: each copies what the interval brought, in one pass and one fsync. */
    private void pause(long nanos) {
        lock.lock();
        try {
            long left = nanos;
            while (!closed && left > 0) {
                left = commitsArrived.awaitNanos(left);
                // Woken by a commit: keep waiting out the interval; by close: leave at once.
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    static Outcome checkpoint(Connection connection, String mode) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
            row.next();
            return new Outcome(row.getInt(1) != 0, row.getInt(2), row.getInt(3));
        }
    }

    /** Background checkpoints run so far. */
    long checkpoints() {
        return checkpoints;
    }

    /** Log restarts the writer ran because the log passed the bound. */
    long restarts() {
        return restarts;
    }

    /**
     * Stops the thread, then copies the whole log into the database file and empties it
     * ({@code TRUNCATE}). Call it after the writer stopped.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            commitsArrived.signal();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("The SQLite checkpointer did not stop within 30 s");
        }
        try {
            checkpoint(connection, "TRUNCATE");
        } catch (SQLException e) {
            // Nothing is lost: the next open replays the log.
            LOG.warn("The closing SQLite checkpoint failed: {}", e.toString());
        } finally {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.warn("Cannot close the SQLite checkpointer's connection: {}", e.toString());
            }
        }
    }
}
