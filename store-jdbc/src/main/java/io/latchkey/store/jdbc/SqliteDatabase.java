package io.latchkey.store.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded store: one SQLite file in WAL mode with {@code synchronous=FULL}, so that every
 * commit is fsynced before it returns and survives a power cut (in WAL mode {@code NORMAL} would
 * only survive a process crash).
 *
 * <p>SQLite allows one writer at a time anyway, so all work goes through one connection under a
 * lock: no {@code SQLITE_BUSY}, no pool to size. Reads on the hot paths are served from memory
 * caches above this class, so the lock is held mostly by writes.
 */
public final class SqliteDatabase implements Database {
    private final String url;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();

    private SqliteDatabase(String url, Connection connection) {
        this.url = url;
        this.connection = connection;
    }

    /** Opens (creating if needed) the SQLite file at {@code file} and migrates it. */
    public static SqliteDatabase open(Path file) {
        return open("jdbc:sqlite:" + file.toAbsolutePath().normalize());
    }

    /** Opens the SQLite database at a {@code jdbc:sqlite:} URL and migrates it. */
    public static SqliteDatabase open(String url) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(10_000);
        config.enforceForeignKeys(true);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl(url);
        Migrations.migrate(dataSource);
        try {
            Connection connection = dataSource.getConnection();
            connection.setAutoCommit(false);
            return new SqliteDatabase(url, connection);
        } catch (SQLException e) {
            throw new StoreException("cannot open " + url, e);
        }
    }

    @Override
    public <T> T transaction(SqlWork<T> work) {
        lock.lock();
        try {
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(e);
                if (e instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new StoreException("SQLite transaction failed", e);
            }
        } finally {
            lock.unlock();
        }
    }

    private void rollback(Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public PoolUsage poolUsage() {
        int active = lock.isLocked() ? 1 : 0;
        return new PoolUsage(active, 1 - active, lock.getQueueLength(), 1);
    }

    @Override
    public String description() {
        return "SQLite " + url.substring("jdbc:sqlite:".length());
    }

    @Override
    public void close() {
        lock.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close " + url, e);
        } finally {
            lock.unlock();
        }
    }
}
