package io.latchkey.store.jdbc;

import java.time.Duration;

/**
 * How to reach the database.
 *
 * @param url               a {@code jdbc:sqlite:} or {@code jdbc:postgresql:} URL
 * @param poolSize          connections kept by the PostgreSQL pool (SQLite always uses one)
 * @param operationTimeout  how long a request waits for a connection or a statement before it
 *                          fails (and is answered 503) instead of hanging
 * @param startupTimeout    how long start-up waits for the database to come up
 */
public record DatabaseSettings(String url, String user, String password, int poolSize,
                               Duration operationTimeout, Duration startupTimeout) {
    public DatabaseSettings {
        if (poolSize < 1 || poolSize > 1_000) {
            throw new IllegalArgumentException("the pool size must be between 1 and 1000");
        }
    }

    @Override
    public String toString() {
        return "DatabaseSettings[" + Databases.redact(url) + ", poolSize=" + poolSize + "]"; // never the password
    }
}
