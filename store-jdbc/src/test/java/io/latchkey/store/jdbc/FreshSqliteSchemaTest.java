package io.latchkey.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

class FreshSqliteSchemaTest {
    private static final String HISTORY = "SELECT installed_rank, version, description, type, script, checksum,"
            + " installed_by, success FROM flyway_schema_history ORDER BY installed_rank";
    private static final String SCHEMA = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name";

    @TempDir
    Path tempDir;

    @Test
    void aNewFileGetsTheSchemaAndTheHistoryFlywayWouldHaveWritten() throws SQLException {
        SQLiteDataSource byFlyway = dataSource("flyway.db");
        Migrations.migrate(byFlyway);
        SQLiteDataSource fresh = dataSource("fresh.db");

        try (Connection connection = fresh.getConnection()) {
            assertThat(FreshSqliteSchema.createIfEmpty(connection)).isTrue();
        }

        assertThat(rows(fresh, SCHEMA)).isEqualTo(rows(byFlyway, SCHEMA)).isNotEmpty();
        assertThat(rows(fresh, HISTORY)).isEqualTo(rows(byFlyway, HISTORY)).hasSize(Migrations.BUNDLED.size());
    }

    @Test
    void flywayValidatesAFreshSchemaAndFindsNothingToMigrate() throws SQLException {
        SQLiteDataSource fresh = dataSource("fresh.db");
        try (Connection connection = fresh.getConnection()) {
            FreshSqliteSchema.createIfEmpty(connection);
        }
        Flyway flyway = Flyway.configure().dataSource(fresh).locations("classpath:db/migration").load();

        assertThat(flyway.validateWithResult().validationSuccessful).isTrue();
        assertThat(flyway.migrate().migrationsExecuted).isZero();
    }

    @Test
    void aFileWithTablesIsLeftAsItWasForFlyway() throws SQLException {
        SQLiteDataSource older = dataSource("older.db");
        Flyway.configure().dataSource(older).locations("classpath:db/migration").target("1").load().migrate();
        List<List<Object>> schema = rows(older, SCHEMA);

        try (Connection connection = older.getConnection()) {
            assertThat(FreshSqliteSchema.createIfEmpty(connection)).isFalse();
        }

        assertThat(rows(older, SCHEMA)).isEqualTo(schema);
        try (SqliteDatabase database = SqliteDatabase.open(tempDir.resolve("older.db"))) {
            String version = database.read(Migrations::currentVersion);
            assertThat(version).isEqualTo(Migrations.LATEST_VERSION); // Flyway brought it up to date
        }
    }

    @Test
    void aChecksumIsFlywaysCrcOfTheLinesWhateverTheLineBreaks() {
        assertThat(FreshSqliteSchema.checksum("a;\r\nb;\n")).isEqualTo(FreshSqliteSchema.checksum("a;\nb;"));
        assertThat(FreshSqliteSchema.checksum("a;\nb;")).isNotEqualTo(FreshSqliteSchema.checksum("a;\nc;"));
        assertThat(FreshSqliteSchema.descriptionOf("V2__change_log_and_leases.sql")).isEqualTo("change log and leases");
    }

    private SQLiteDataSource dataSource(String file) {
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + tempDir.resolve(file));
        return dataSource;
    }

    private static List<List<Object>> rows(SQLiteDataSource dataSource, String query) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(query)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(result.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
