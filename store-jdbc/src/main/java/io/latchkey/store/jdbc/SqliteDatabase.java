package io.latchkey.store.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded store: one SQLite file in WAL mode with {@code synchronous=FULL}, so that every
 * commit is fsynced before it returns and survives a power cut (in WAL mode {@code NORMAL} would
 * only survive a process crash).
 *
 * <p>SQLite allows one writer at a time anyway, so every transaction goes to one writer thread
 * that commits whatever has queued up together, one fsync for the lot ({@link SqliteWriter}: group
 * commit). Reads ({@link #read}) take one of a few other connections: in WAL mode readers see the
 * last commit and never wait for the writer, nor it for them. The write-ahead log is copied back
 * into the database file by a connection and thread of its own ({@link WalCheckpointer}), not by
 * the writer after its commits as SQLite does by default.
 */
public final class SqliteDatabase implements Database {
    /** The write connection's page cache, in KiB (a negative cache_size is KiB, not pages). */
    private static final int WRITER_CACHE_KIB = -32 * 1024;
    /** Read connections: reads are short and the hot paths read from memory caches above us. */
    private static final int READERS = 4;

    private final String url;
    private final Connection writeConnection;
    private final WalCheckpointer checkpointer;
    private final SqliteWriter writer;
    private final List<Connection> readConnections;
    private final BlockingQueue<Connection> idleReaders;

    private SqliteDatabase(String url, Connection writeConnection, WalCheckpointer checkpointer,
                           List<Connection> readConnections) {
        this.url = url;
        this.writeConnection = writeConnection;
        this.checkpointer = checkpointer;
        this.writer = new SqliteWriter(writeConnection, description(), checkpointer);
        this.readConnections = readConnections;
        this.idleReaders = new ArrayBlockingQueue<>(readConnections.size(), false, readConnections);
    }

    /** Opens (creating if needed) the SQLite file at {@code file} and migrates it. */
    public static SqliteDatabase open(Path file) {
        return open("jdbc:sqlite:" + file.toAbsolutePath().normalize());
    }

    /** Opens the SQLite database at a {@code jdbc:sqlite:} URL and migrates it. */
    public static SqliteDatabase open(String url) {
        return open(url, WalCheckpointer.Settings.DEFAULTS);
    }

    /** The same, checkpointing as {@code checkpoints} says (tests use a small log bound). */
    static SqliteDatabase open(String url, WalCheckpointer.Settings checkpoints) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(10_000);
        config.enforceForeignKeys(true);
        // Else sqlite-jdbc runs SELECT last_insert_rowid() after every INSERT, for keys nobody asks for.
        config.setGetGeneratedKeys(false);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl(url);
        List<Connection> opened = new ArrayList<>();
        try {
            // Auto-commit as far as JDBC knows: the writer issues BEGIN IMMEDIATE and COMMIT itself.
            Connection writeConnection = dataSource.getConnection();
            opened.add(writeConnection);
            // A new file gets its schema without Flyway (a first start's largest cost); any other
            // goes to Flyway when behind.
            if (!FreshSqliteSchema.createIfEmpty(writeConnection)) {
                Migrations.migrate(dataSource);
            }
            try (Statement pragma = writeConnection.createStatement()) {
                // Each refresh inserts a random jti into an index that grows with the store (5 M
                // rows: 200+ MB); SQLite's default 2 MB page cache keeps little of its inner pages,
                // so every insert of a batch reads its path again. 32 MiB at most, used as needed.
                pragma.execute("PRAGMA cache_size = " + WRITER_CACHE_KIB);
                // Checkpoints are the checkpointer's, never a wait added to a commit.
                pragma.execute("PRAGMA wal_autocheckpoint = 0");
            }
            Connection checkpointConnection = dataSource.getConnection();
            opened.add(checkpointConnection);
            List<Connection> readConnections = new ArrayList<>();
            for (int i = 0; i < READERS; i++) {
                Connection reader = dataSource.getConnection();
                opened.add(reader);
                try (Statement pragma = reader.createStatement()) {
                    pragma.execute("PRAGMA query_only = ON"); // a write here would bypass the writer
                }
                reader.setAutoCommit(false); // one snapshot per read, however many statements
                readConnections.add(reader);
            }
            return new SqliteDatabase(url, writeConnection, new WalCheckpointer(checkpointConnection, checkpoints),
                    readConnections);
        } catch (SQLException e) {
            for (Connection connection : opened) {
                closeQuietly(connection, e);
            }
            throw new StoreException("cannot open " + url, e);
        } catch (RuntimeException e) { // Flyway's failure to migrate
            for (Connection connection : opened) {
                closeQuietly(connection, e);
            }
            throw e;
        }
    }

    /**
     * Runs {@code work} in the next group commit and returns once that commit is on disk. A unit
     * that throws is rolled back alone; the others of its batch commit. {@code work} must not
     * commit, roll back or change the auto-commit mode of the connection it is given.
     */
    @Override
    public <T> T transaction(SqlWork<T> work) {
        if (writer.isWriterThread()) {
            // Started by a unit: it joins the unit, on the writer's connection, as the interface says.
            try {
                return work.run(writeConnection);
            } catch (SQLException e) {
                throw new StoreException("SQLite transaction failed", e);
            }
        }
        return Completion.await(writer.submit(work), "SQLite transaction failed");
    }

    /**
     * The same, without waiting: the future completes on the writer thread once the commit is on
     * disk, so a caller can answer from there instead of parking a thread per pending write.
     */
    public <T> CompletableFuture<T> transactionAsync(SqlWork<T> work) {
        return writer.submit(work);
    }

    @Override
    public <T> T read(SqlWork<T> work) {
        Connection connection = borrowReader();
        try {
            T result = work.run(connection);
            connection.commit(); // ends the read snapshot; there is nothing to write
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new StoreException("SQLite read failed", e);
        } finally {
            idleReaders.add(connection);
        }
    }

    private Connection borrowReader() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return idleReaders.take();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Transactions waiting for the writer. */
    int pendingTransactions() {
        return writer.queued();
    }

    /** Commits (fsyncs) so far; fewer than transactions when they were grouped. */
    long commits() {
        return writer.batchesCommitted();
    }

    /** Background checkpoints so far. */
    long checkpoints() {
        return checkpointer.checkpoints();
    }

    /** Times the writer restarted the log because it passed its bound. */
    long logRestarts() {
        return checkpointer.restarts();
    }

    @Override
    public PoolUsage poolUsage() {
        // The write connection counts as in use while transactions are queued for it, and those
        // transactions are the callers waiting; readers are in use while borrowed.
        int queued = writer.queued();
        int readersInUse = readConnections.size() - idleReaders.size();
        int active = readersInUse + (queued > 0 ? 1 : 0);
        int max = readConnections.size() + 1;
        return new PoolUsage(active, max - active, queued, max);
    }

    @Override
    public String description() {
        return "SQLite " + url.substring("jdbc:sqlite:".length());
    }

    @Override
    public void close() {
        writer.close();
        checkpointer.close(); // after the last commit: copies the whole log and empties it
        StoreException failure = null;
        List<Connection> all = new ArrayList<>(readConnections);
        all.add(writeConnection);
        for (Connection connection : all) {
            try {
                connection.close();
            } catch (SQLException e) {
                if (failure == null) {
                    failure = new StoreException("cannot close " + url, e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void closeQuietly(Connection connection, Exception cause) {
        try {
            connection.close();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
