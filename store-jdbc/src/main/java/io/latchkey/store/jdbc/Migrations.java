package io.latchkey.store.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Brings a database to the current schema: one set of Flyway migrations for every vendor. */
final class Migrations {
    private Migrations() {
    }

    static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .load()
                .migrate();
    }

    /**
     * The version of the newest migration applied successfully, read from Flyway's history table
     * (its default name) in Java, since {@code success} is a boolean in PostgreSQL and an integer
     * in SQLite.
     */
    static String currentVersion(Connection connection) throws SQLException {
        try (Statement select = connection.createStatement();
             ResultSet rows = select.executeQuery(
                     "SELECT version, success FROM flyway_schema_history ORDER BY installed_rank DESC")) {
            while (rows.next()) {
                String version = rows.getString("version");
                if (version != null && rows.getBoolean("success")) {
                    return version;
                }
            }
            return null;
        }
    }
}
