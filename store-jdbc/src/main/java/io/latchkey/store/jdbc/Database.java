package io.latchkey.store.jdbc;

/**
 * A migrated database that runs work in transactions. A transaction that returns has committed
 * durably: the commit reached the disk (SQLite {@code synchronous=FULL}) before the call returns.
 */
public interface Database extends AutoCloseable {
    /**
     * Runs {@code work} in one transaction, committing on return and rolling back on failure. A
     * transaction started inside {@code work} (on its thread) joins it: its writes commit or roll
     * back with the enclosing transaction's, and its failure fails the enclosing one.
     */
    <T> T transaction(SqlWork<T> work);

    /**
     * Runs {@code work}, which only reads, and sees every transaction that returned before it.
     * A store may serve it from a connection that never waits behind a commit; {@code work} must
     * not write.
     */
    default <T> T read(SqlWork<T> work) {
        return transaction(work);
    }

    /** Whether the database answers a trivial query now: what {@code /health/ready} reports. */
    default boolean isReachable() {
        try {
            return read(connection -> {
                try (var statement = connection.createStatement()) {
                    statement.setQueryTimeout(2);
                    return statement.execute("SELECT 1");
                }
            });
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The schema version the migrations brought this database to, such as {@code 3}. */
    default String schemaVersion() {
        return read(Migrations::currentVersion);
    }

    /**
     * Where refresh-token consumptions go: one transaction each, unless the database groups
     * concurrent ones into one statement (PostgreSQL). Asked once, by the revocation store.
     */
    default RefreshTokenConsumer refreshTokenConsumer() {
        return new TransactionalRefreshConsumer(this);
    }

    /** The connections' use now, for the store gauges of {@code /metrics}; cheap and non-blocking. */
    PoolUsage poolUsage();

    /**
     * Hands the connection pool's own meters (acquisition and usage times) to {@code factory}, where
     * the store has such a pool (PostgreSQL's HikariCP); a store without one ignores it.
     */
    default void reportPoolMetrics(com.zaxxer.hikari.metrics.MetricsTrackerFactory factory) {
    }

    /** Where the data lives, for the start-up line; never a password. */
    String description();

    @Override
    void close();
}
