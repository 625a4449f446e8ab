package io.latchkey.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.apikey.ApiKey;
import io.latchkey.core.apikey.ApiKeyRole;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteDatabaseTest {
    @TempDir
    Path tempDir;

    @Test
    void theStoresConnectionIsInWalModeWithFullSynchronousCommits() {
        try (SqliteDatabase database = SqliteDatabase.open(tempDir.resolve("x.db"))) {
            String journalMode = database.transaction(connection -> pragma(connection, "journal_mode"));
            String synchronous = database.transaction(connection -> pragma(connection, "synchronous"));

            assertThat(journalMode).isEqualToIgnoringCase("wal");
            assertThat(synchronous).isEqualTo("2"); // FULL: every commit fsynced, also in WAL mode
        }
    }

    @Test
    void reopeningAnExistingDatabaseKeepsWalAndFullSync() {
        Path file = tempDir.resolve("x.db");
        SqliteDatabase.open(file).close();

        try (SqliteDatabase database = SqliteDatabase.open(file)) {
            String journalMode = database.transaction(connection -> pragma(connection, "journal_mode"));
            String synchronous = database.transaction(connection -> pragma(connection, "synchronous"));

            assertThat(journalMode).isEqualToIgnoringCase("wal");
            assertThat(synchronous).isEqualTo("2");
        }
    }

    @Test
    void theSchemaVersionIsThatOfTheNewestMigration() {
        try (SqliteDatabase database = SqliteDatabase.open(tempDir.resolve("x.db"))) {
            assertThat(database.schemaVersion()).isEqualTo(newestMigration());
        }
    }

    private static String newestMigration() {
        try (var files = java.nio.file.Files.list(Path.of("src/main/resources/db/migration"))) {
            return files.map(file -> file.getFileName().toString())
                    .map(name -> name.substring(1, name.indexOf("__")))
                    .max(java.util.Comparator.comparingInt(Integer::parseInt))
                    .orElseThrow();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aFreshDatabaseIsMigrated() {
        try (SqliteDatabase database = SqliteDatabase.open(tempDir.resolve("x.db"))) {
            int tables = database.transaction(connection -> {
                try (PreparedStatement select = connection.prepareStatement(
                        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                                + "('clients', 'api_keys', 'signing_keys', 'consumed_refresh_tokens', "
                                + "'revoked_families', 'revoked_access_tokens')");
                     ResultSet rows = select.executeQuery()) {
                    rows.next();
                    return rows.getInt(1);
                }
            });
            assertThat(tables).isEqualTo(6);
        }
    }

    @Test
    void aFailedTransactionIsRolledBack() {
        try (SqliteDatabase database = SqliteDatabase.open(tempDir.resolve("x.db"))) {
            assertThatThrownBy(() -> database.transaction(connection -> {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO api_keys (id, key_hash, name, created_at) VALUES ('k', 'h', null, 0)")) {
                    insert.executeUpdate();
                }
                throw new SQLException("boom");
            })).isInstanceOf(StoreException.class);

            assertThat(new JdbcApiKeyStore(database).list()).isEmpty();
        }
    }

    @Test
    void aCommittedTransactionIsVisibleAfterReopening() {
        Path file = tempDir.resolve("x.db");
        try (SqliteDatabase database = SqliteDatabase.open(file)) {
            new JdbcApiKeyStore(database).insert(new ApiKey("k1", "hash", "n", Instant.ofEpochMilli(1_700_000_000_000L),
                    ApiKeyRole.ADMIN));
        }
        try (SqliteDatabase database = SqliteDatabase.open(file)) {
            assertThat(new JdbcApiKeyStore(database).list()).extracting(ApiKey::id)
                    .containsExactly("k1");
        }
    }

    private static String pragma(Connection connection, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("PRAGMA " + name);
             ResultSet rows = statement.executeQuery()) {
            assertThat(rows.next()).isTrue();
            return rows.getString(1);
        }
    }
}
