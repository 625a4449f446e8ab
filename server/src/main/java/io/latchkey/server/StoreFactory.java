package io.latchkey.server;

import io.latchkey.core.key.KeySealer;
import io.latchkey.core.key.KeyService;
import io.latchkey.server.config.MasterKey;
import io.latchkey.server.config.ServerConfig;
import io.latchkey.store.jdbc.Database;
import io.latchkey.store.jdbc.DatabaseSettings;
import io.latchkey.store.jdbc.Databases;
import io.latchkey.store.jdbc.JdbcKeyStore;
import io.latchkey.store.jdbc.SqliteDatabase;
import io.latchkey.store.jdbc.WebhookOutbox;
import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * Opens the configured store and its key service: the one place that {@code serve},
 * {@code migrate} and {@code apikey create --offline} get them from, so that a key written
 * offline is hashed with the very pepper, unsealed by the very master key, the server uses.
 */
public final class StoreFactory {
    private StoreFactory() {
    }

    /** Opens and migrates the database: PostgreSQL or SQLite by URL, else SQLite in the data dir. */
    public static Database openDatabase(ServerConfig config) throws IOException {
        if (config.dbUrl() == null) {
            Files.createDirectories(config.dataDir());
            return SqliteDatabase.open(config.dataDir().resolve("latchkey.db"));
        }
        return Databases.open(new DatabaseSettings(config.dbUrl(), config.dbUser(), config.dbPassword(),
                config.dbPoolSize(), config.dbTimeout(), config.dbStartupTimeout()));
    }

    /**
     * The key service over {@code database}, sealing with the configured master key (generated in
     * the data dir on first use); not loaded yet.
     */
    public static KeyService keyService(ServerConfig config, Database database, Clock clock, SecureRandom random)
            throws IOException {
        Files.createDirectories(config.dataDir());
        byte[] masterKey = MasterKey.load(config.masterKey(), config.dataDir(), random);
        return new KeyService(new JdbcKeyStore(database, new WebhookOutbox(clock, random)), new KeySealer(masterKey),
                random, clock,
                config.signingAlgorithm(), config.accessTokenTtl(), config.refreshTokenTtl());
    }
}
