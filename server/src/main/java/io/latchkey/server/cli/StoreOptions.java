package io.latchkey.server.cli;

import io.latchkey.server.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Where the store is: the options (and environment variables) that {@code serve}, {@code migrate}
 * and {@code apikey create --offline} share, so that all three open the same database.
 */
public final class StoreOptions {
    @Option(names = "--data-dir", defaultValue = "${env:LATCHKEY_DATA_DIR:-./data}",
            description = "Embedded store and generated key material (LATCHKEY_DATA_DIR, default ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--db-url", defaultValue = "${env:LATCHKEY_DB_URL}",
            description = "JDBC URL (LATCHKEY_DB_URL, default: SQLite file in the data dir)")
    String dbUrl;

    @Option(names = "--db-user", defaultValue = "${env:LATCHKEY_DB_USER}", description = "Database user (LATCHKEY_DB_USER)")
    String dbUser;

    @Option(names = "--db-password", defaultValue = "${env:LATCHKEY_DB_PASSWORD}",
            description = "Database password (LATCHKEY_DB_PASSWORD)")
    String dbPassword;

    @Option(names = "--db-pool-size", defaultValue = "${env:LATCHKEY_DB_POOL_SIZE:-10}",
            description = "PostgreSQL connections per instance (LATCHKEY_DB_POOL_SIZE, default ${DEFAULT-VALUE})")
    int dbPoolSize;

    @Option(names = "--db-timeout", defaultValue = "${env:LATCHKEY_DB_TIMEOUT:-PT5S}",
            description = "Longest wait for a database connection before a request fails with 503 "
                    + "(LATCHKEY_DB_TIMEOUT, default ${DEFAULT-VALUE})")
    Duration dbTimeout;

    @Option(names = "--db-startup-timeout", defaultValue = "${env:LATCHKEY_DB_STARTUP_TIMEOUT:-PT60S}",
            description = "How long start-up waits for the database to come up "
                    + "(LATCHKEY_DB_STARTUP_TIMEOUT, default ${DEFAULT-VALUE})")
    Duration dbStartupTimeout;

    /** Sets the store fields of {@code builder}; the others keep their values. */
    ServerConfig.Builder applyTo(ServerConfig.Builder builder) {
        return builder.dataDir(dataDir).dbUrl(dbUrl).dbUser(dbUser).dbPassword(dbPassword).dbPoolSize(dbPoolSize)
                .dbTimeout(dbTimeout).dbStartupTimeout(dbStartupTimeout);
    }
}
