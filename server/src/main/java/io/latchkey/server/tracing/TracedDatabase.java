package io.latchkey.server.tracing;

import io.latchkey.store.jdbc.Database;
import io.latchkey.store.jdbc.PoolUsage;
import io.latchkey.store.jdbc.SqlWork;

/**
 * A {@link Database} whose transactions and reads are child spans of the request that runs them
 * ({@code db.transaction}, {@code db.read}); only used when tracing is on.
 */
public final class TracedDatabase implements Database {
    private final Database database;
    private final Tracing tracing;

    private TracedDatabase(Database database, Tracing tracing) {
        this.database = database;
        this.tracing = tracing;
    }

    /** {@code database}, traced when {@code tracing} is on; else {@code database} itself. */
    public static Database of(Database database, Tracing tracing) {
        return tracing.enabled() ? new TracedDatabase(database, tracing) : database;
    }

    @Override
    public <T> T transaction(SqlWork<T> work) {
        return traced("db.transaction", () -> database.transaction(work));
    }

    @Override
    public <T> T read(SqlWork<T> work) {
        return traced("db.read", () -> database.read(work));
    }

    @Override
    public boolean isReachable() {
        return database.isReachable();
    }

    @Override
    public String schemaVersion() {
        return database.schemaVersion();
    }

    @Override
    public io.latchkey.store.jdbc.RefreshTokenConsumer refreshTokenConsumer() {
        // The store's own way (PostgreSQL batches refreshes): tracing must not change how it writes.
        return database.refreshTokenConsumer();
    }

    @Override
    public PoolUsage poolUsage() {
        return database.poolUsage();
    }

    @Override
    public void reportPoolMetrics(com.zaxxer.hikari.metrics.MetricsTrackerFactory factory) {
        database.reportPoolMetrics(factory);
    }

    @Override
    public String description() {
        return database.description();
    }

    @Override
    public void close() {
        database.close();
    }

    private <T> T traced(String name, java.util.concurrent.Callable<T> work) {
        try {
            return tracing.inChildSpan(name, work);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
