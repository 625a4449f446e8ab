package io.latchkey.store.jdbc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.zip.CRC32;

/**
 * Creates the schema of a brand-new SQLite file without Flyway, recording it in Flyway's history
 * table row for row as Flyway would have, so that Flyway validates and migrates the file later
 * like any other.
 *
 * <p>Why: a first start ran Flyway's whole machinery (its SQL parser interpreted character by
 * character, a transaction and a history lock per migration) for 85 lines of DDL, about a third
 * of the CPU of a fresh start. SQLite parses the files itself ({@code sqlite3_exec} runs every
 * statement of a string). Only an empty file takes this path, in one {@code BEGIN IMMEDIATE}
 * transaction: two processes creating the same file serialise on SQLite's write lock, and the
 * second finds tables and leaves the file to {@link Migrations}. PostgreSQL always goes through
 * Flyway, whose history-table lock lets instances starting together on one empty database
 * migrate it once.
 */
final class FreshSqliteSchema {
    /** Flyway's own DDL for its history table on SQLite (as Flyway 11 writes it, default name). */
    private static final String HISTORY_TABLE = """
            CREATE TABLE IF NOT EXISTS "flyway_schema_history" (
                "installed_rank" INT NOT NULL PRIMARY KEY,
                "version" VARCHAR(50),
                "description" VARCHAR(200) NOT NULL,
                "type" VARCHAR(20) NOT NULL,
                "script" VARCHAR(1000) NOT NULL,
                "checksum" INT,
                "installed_by" VARCHAR(100) NOT NULL,
                "installed_on" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),
                "execution_time" INT NOT NULL,
                "success" BOOLEAN NOT NULL
            );
            CREATE INDEX "flyway_schema_history_s_idx" ON "flyway_schema_history" ("success");
            """;

    private static final String RECORD = "INSERT INTO flyway_schema_history (installed_rank, version, description,"
            + " type, script, checksum, installed_by, execution_time, success) VALUES (?, ?, ?, 'SQL', ?, ?, '', ?, 1)";

    private FreshSqliteSchema() {
    }

    /**
     * Applies every bundled migration to the database of {@code connection} (auto-commit, as
     * opened) when it holds no table at all; returns whether it did. Anything else is left as it
     * was, for Flyway.
     */
    static boolean createIfEmpty(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("BEGIN IMMEDIATE");
            boolean committed = false;
            try {
                if (!isEmpty(statement)) {
                    return false;
                }
                statement.executeUpdate(HISTORY_TABLE);
                try (PreparedStatement record = connection.prepareStatement(RECORD)) {
                    int rank = 0;
                    for (String migration : Migrations.BUNDLED) {
                        String script = read(migration);
                        long started = System.nanoTime();
                        statement.executeUpdate(script);
                        record.setInt(1, ++rank);
                        record.setString(2, Migrations.versionOf(migration));
                        record.setString(3, descriptionOf(migration));
                        record.setString(4, migration);
                        record.setInt(5, checksum(script));
                        record.setLong(6, (System.nanoTime() - started) / 1_000_000);
                        record.executeUpdate();
                    }
                }
                statement.executeUpdate("COMMIT");
                committed = true;
                return true;
            } finally {
                if (!committed) {
                    statement.executeUpdate("ROLLBACK");
                }
            }
        }
    }

    private static boolean isEmpty(Statement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM sqlite_master")) {
            return rows.next() && rows.getInt(1) == 0;
        }
    }

    /** {@code V2__change_log_and_leases.sql} → {@code change log and leases}, as Flyway describes it. */
    static String descriptionOf(String migration) {
        String name = migration.substring(migration.indexOf("__") + 2, migration.length() - ".sql".length());
        return name.replace('_', ' ');
    }

    /**
     * Flyway's checksum of a script: a CRC-32 of its lines, each without its line break
     * ({@code ChecksumCalculator} in Flyway 11; {@link #read} has dropped a byte-order mark, as
     * Flyway does).
     */
    static int checksum(String script) {
        CRC32 crc = new CRC32();
        try (BufferedReader lines = new BufferedReader(new StringReader(script))) {
            for (String line; (line = lines.readLine()) != null; ) {
                crc.update(line.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        }
        return (int) crc.getValue();
    }

    private static String read(String migration) {
        String resource = "db/migration/" + migration;
        try (InputStream in = FreshSqliteSchema.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the bundled migration " + resource + " is missing");
            }
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                StringBuilder script = new StringBuilder();
                char[] buffer = new char[4096];
                for (int n; (n = reader.read(buffer)) > 0; ) {
                    script.append(buffer, 0, n);
                }
                return script.length() > 0 && script.charAt(0) == '\uFEFF' ? script.substring(1) : script.toString();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled migration " + resource, e);
        }
    }
}
