package io.latchkey.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.apikey.ApiKey;
import io.latchkey.core.apikey.ApiKeyRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

class MigrationsTest {
    @TempDir
    Path tempDir;

    @Test
    void theBundledListNamesExactlyTheMigrationResourcesOldestFirst() throws IOException {
        List<String> resources;
        try (var files = Files.list(Path.of("src/main/resources/db/migration"))) {
            resources = files.map(file -> file.getFileName().toString())
                    .sorted(Comparator.comparingInt(name -> Integer.parseInt(Migrations.versionOf(name))))
                    .toList();
        }

        assertThat(Migrations.BUNDLED).containsExactlyElementsOf(resources);
        assertThat(Migrations.LATEST_VERSION).isEqualTo(Migrations.versionOf(resources.get(resources.size() - 1)));
    }

    @Test
    void aFreshDatabaseIsMigratedByFlywayToTheNewestVersion() throws SQLException {
        SQLiteDataSource dataSource = dataSource();

        assertThat(Migrations.migrate(dataSource)).isTrue();

        assertThat(version(dataSource)).isEqualTo(Migrations.LATEST_VERSION);
        assertThat(historyRows(dataSource)).isEqualTo(Migrations.BUNDLED.size());
    }

    @Test
    void aDatabaseAlreadyAtTheNewestVersionIsLeftAloneWithoutFlyway() throws SQLException {
        SQLiteDataSource dataSource = dataSource();
        Migrations.migrate(dataSource);
        int rows = historyRows(dataSource);

        assertThat(Migrations.migrate(dataSource)).isFalse();

        assertThat(version(dataSource)).isEqualTo(Migrations.LATEST_VERSION);
        assertThat(historyRows(dataSource)).isEqualTo(rows);
    }

    @Test
    void aDatabaseAtAnOlderVersionIsMigratedToTheNewest() throws SQLException {
        SQLiteDataSource dataSource = dataSource();
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").target("1").load().migrate();
        assertThat(version(dataSource)).isEqualTo("1");

        assertThat(Migrations.migrate(dataSource)).isTrue();

        assertThat(version(dataSource)).isEqualTo(Migrations.LATEST_VERSION);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SELECT last_seq FROM change_log_sequence"); // a table of the newest migration
        }
    }

    @Test
    void anApiKeyStoredBeforeRolesExistedIsAnAdminKeyAfterTheMigration() throws SQLException {
        SQLiteDataSource dataSource = dataSource();
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").target("3").load().migrate();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO api_keys (id, key_hash, name, created_at) VALUES ('old', 'h', 'ci', 0)");
        }

        Migrations.migrate(dataSource);

        try (SqliteDatabase database = SqliteDatabase.open(tempDir.resolve("x.db"))) {
            JdbcApiKeyStore keys = new JdbcApiKeyStore(database);
            assertThat(keys.list()).singleElement().satisfies(key -> {
                assertThat(key.id()).isEqualTo("old");
                assertThat(key.role()).isEqualTo(ApiKeyRole.ADMIN);
            });
            keys.insert(new ApiKey("new", "h2", null, Instant.EPOCH, ApiKeyRole.VERIFIER));
            assertThat(keys.findByHash("h2")).get().extracting(ApiKey::role).isEqualTo(ApiKeyRole.VERIFIER);
        }
    }

    private SQLiteDataSource dataSource() {
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + tempDir.resolve("x.db"));
        return dataSource;
    }

    private static String version(SQLiteDataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return Migrations.currentVersion(connection);
        }
    }

    private static int historyRows(SQLiteDataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM flyway_schema_history")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
