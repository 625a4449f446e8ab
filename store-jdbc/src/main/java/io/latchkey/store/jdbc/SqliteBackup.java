package io.latchkey.store.jdbc;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Copies of the embedded store. A backup is SQLite's {@code VACUUM INTO}: one read transaction,
 * so a consistent snapshot of every commit before it began, taken while the server goes on
 * writing (WAL mode lets a reader and the writer run side by side), and fsynced before it counts.
 */
public final class SqliteBackup {
    private SqliteBackup() {
    }

    /**
     * Writes a consistent copy of the database at {@code database} to {@code target}, which must
     * not exist, and makes it durable.
     *
     * @return the copy's schema version
     */
    public static String backup(Path database, Path target) throws IOException {
        if (!Files.isRegularFile(database)) {
            throw new IOException("no store at " + database);
        }
        if (Files.exists(target)) {
            throw new IOException(target + " exists already; name a new file");
        }
        try (Connection connection = open(database); Statement vacuum = connection.createStatement()) {
            vacuum.execute("VACUUM INTO '" + target.toAbsolutePath().toString().replace("'", "''") + "'");
        } catch (SQLException e) {
            throw new IOException("cannot back up " + database + ": " + e.getMessage(), e);
        }
        fsync(target);
        fsync(target.toAbsolutePath().getParent());
        return check(target);
    }

    /**
     * Checks that {@code file} is an intact Latchkey store this release can open: SQLite's
     * integrity check passes and its schema is not newer than this release's migrations.
     *
     * @return its schema version
     * @throws IOException saying what is wrong
     */
    public static String check(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no file at " + file);
        }
        try (Connection connection = open(file)) {
            try (Statement statement = connection.createStatement();
                 ResultSet result = statement.executeQuery("PRAGMA integrity_check")) {
                String verdict = result.next() ? result.getString(1) : "no answer";
                if (!"ok".equals(verdict)) {
                    throw new IOException(file + " fails SQLite's integrity check: " + verdict);
                }
            }
            String version = Migrations.currentVersion(connection);
            if (version == null) {
                throw new IOException(file + " is not a Latchkey store (no schema history)");
            }
            if (Integer.parseInt(version) > Integer.parseInt(Migrations.LATEST_VERSION)) {
                throw new IOException(file + " is at schema version " + version + ", newer than this release's "
                        + Migrations.LATEST_VERSION + ": restore it with the release that wrote it");
            }
            return version;
        } catch (SQLException | NumberFormatException e) {
            throw new IOException(file + " is not a readable Latchkey store: " + e.getMessage(), e);
        }
    }

    /** The schema version this release's migrations bring a store to. */
    public static String latestSchemaVersion() {
        return Migrations.LATEST_VERSION;
    }

    /** Forces {@code path} (a file or a directory) to disk. */
    public static void fsync(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static Connection open(Path file) throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath().normalize());
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA busy_timeout = 10000");
        }
        return connection;
    }
}
