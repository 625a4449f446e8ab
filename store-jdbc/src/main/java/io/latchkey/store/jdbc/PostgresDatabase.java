package io.latchkey.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL (or a PostgreSQL-compatible database) through a HikariCP pool. Every commit is
 * durable as the server is configured ({@code synchronous_commit} on, PostgreSQL's default).
 *
 * <p>Failures never hang a request: a connection is waited for at most the operation timeout,
 * and statements time out likewise; the error surfaces as {@link StoreException}, answered 503.
 */
public final class PostgresDatabase implements Database {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresDatabase.class);

    private final HikariDataSource pool;
    /** The connection of the transaction this thread runs, which a transaction started in it joins. */
    private final ThreadLocal<Connection> inTransaction = new ThreadLocal<>();
    private final String description;
    private final PostgresRefreshBatcher refreshBatcher;

    private PostgresDatabase(HikariDataSource pool, String description) {
        this.pool = pool;
        this.description = description;
        this.refreshBatcher = new PostgresRefreshBatcher(this);
    }

    /** Connects (waiting up to the start-up timeout for the database to come up) and migrates. */
    public static PostgresDatabase open(DatabaseSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(Math.min(2, settings.poolSize()));
        config.setPoolName("latchkey-db");
        config.setAutoCommit(false);
        config.setConnectionTimeout(Math.max(250, settings.operationTimeout().toMillis()));
        config.setValidationTimeout(Math.max(250, Math.min(1_000, settings.operationTimeout().toMillis())));
        // Start even when the database is down; start-up waits below, requests fail fast later.
        config.setInitializationFailTimeout(-1);
        long seconds = Math.max(1, settings.operationTimeout().toSeconds());
        config.addDataSourceProperty("connectTimeout", String.valueOf(seconds));
        config.addDataSourceProperty("socketTimeout", String.valueOf(Math.max(30, seconds * 6)));
        config.addDataSourceProperty("tcpKeepAlive", "true");
        HikariDataSource pool = new HikariDataSource(config);
        try {
            migrateWhenReachable(pool, settings);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new PostgresDatabase(pool, "PostgreSQL " + Databases.redact(settings.url()));
    }

    private static void migrateWhenReachable(HikariDataSource pool, DatabaseSettings settings) {
        Instant deadline = Instant.now().plus(settings.startupTimeout());
        Duration pause = Duration.ofMillis(200);
        while (true) {
            try {
                Migrations.migrate(pool);
                return;
            } catch (FlywayException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new StoreException("the database at " + Databases.redact(settings.url())
                            + " was not reachable or could not be migrated within " + settings.startupTimeout(), e);
                }
                LOG.warn("Waiting for the database at {}: {}", Databases.redact(settings.url()), rootMessage(e));
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new StoreException("interrupted while waiting for the database", e);
                }
                pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : pause.multipliedBy(2);
            }
        }
    }

    @Override
    public <T> T transaction(SqlWork<T> work) {
        Connection enclosing = inTransaction.get();
        if (enclosing != null) {
            // Started inside another transaction of this thread: it joins it, as the interface says.
            try {
                return work.run(enclosing);
            } catch (SQLException e) {
                throw new StoreException("PostgreSQL transaction failed: " + e.getMessage(), e);
            }
        }
        try (Connection connection = pool.getConnection()) {
            inTransaction.set(connection);
            try {
                T result = work.run(connection);
                connection.commit();
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
                throw new StoreException("PostgreSQL transaction failed: " + e.getMessage(), e);
            } finally {
                inTransaction.remove();
            }
        } catch (SQLException e) {
            throw new StoreException("no PostgreSQL connection: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code work}, which should be a single statement, in auto-commit: the statement is its
     * own transaction, committed durably before it returns, in one round trip where
     * {@link #transaction} takes two (the statement, then {@code COMMIT}).
     */
    <T> T autoCommit(SqlWork<T> work) {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(true); // no round trip; the pool restores the default on return
            return work.run(connection);
        } catch (SQLException e) {
            throw new StoreException("PostgreSQL statement failed: " + e.getMessage(), e);
        }
    }

    /** Where refresh-token consumptions are grouped, one statement per batch. */
    PostgresRefreshBatcher refreshBatcher() {
        return refreshBatcher;
    }

    @Override
    public RefreshTokenConsumer refreshTokenConsumer() {
        return refreshBatcher;
    }

    /**
     * Reports the pool's usage (active, idle, pending connections, acquisition time) through
     * {@code factory}; HikariCP accepts this once, on a running pool.
     */
    @Override
    public void reportPoolMetrics(com.zaxxer.hikari.metrics.MetricsTrackerFactory factory) {
        pool.setMetricsTrackerFactory(factory);
    }

    @Override
    public PoolUsage poolUsage() {
        var bean = pool.getHikariPoolMXBean();
        if (bean == null) {
            return new PoolUsage(0, 0, 0, pool.getMaximumPoolSize());
        }
        return new PoolUsage(bean.getActiveConnections(), bean.getIdleConnections(),
                bean.getThreadsAwaitingConnection(), pool.getMaximumPoolSize());
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void close() {
        refreshBatcher.close(); // what is queued still commits
        pool.close();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
