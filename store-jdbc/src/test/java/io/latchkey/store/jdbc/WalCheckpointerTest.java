package io.latchkey.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints off the writer's path: the writer never checkpoints on its own, a background
 * connection does, and the log stays bounded under a load that never lets it rest.
 */
class WalCheckpointerTest {
    /** A small bound, so that a few MB of writes cross it many times. */
    private static final WalCheckpointer.Settings SMALL_LOG = new WalCheckpointer.Settings(Duration.ofMillis(5), 64);
    private static final int UNITS = 10_000;
    private static final int ROW_BYTES = 3000; // about one 4 KiB page per row

    @TempDir
    Path tempDir;

    @Test
    void theWriterLeavesCheckpointsToTheCheckpointer() throws Exception {
        try (SqliteDatabase database = SqliteDatabase.open(tempDir.resolve("x.db"))) {
            int autocheckpoint = database.transaction(connection -> intPragma(connection, "wal_autocheckpoint"));

            assertThat(autocheckpoint).isZero();
        }
    }

    @Test
    void theLogStaysBoundedUnderASteadyWriteLoad() throws Exception {
        Path file = tempDir.resolve("x.db");
        try (SqliteDatabase database = SqliteDatabase.open("jdbc:sqlite:" + file, SMALL_LOG)) {
            createTable(database);

            // All queued at once: the writer commits batch after batch without a pause, so a
            // passive checkpoint never finds the log wholly copied and only the bound restarts it.
            List<CompletableFuture<Integer>> units = new ArrayList<>();
            for (int i = 0; i < UNITS; i++) {
                units.add(database.transactionAsync(insertRow(i)));
            }
            CompletableFuture.allOf(units.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            // Each row takes a page of its own, so an unbounded log would hold UNITS pages. The
            // bound is passed by what commits while a checkpoint runs (it reports the log it
            // started on) and until the writer's batch ends: a few batches, not a share of it all.
            long unboundedBytes = UNITS * (4096L + 24);
            long logBytes = Files.size(Path.of(file + "-wal")); // a log file only grows: its peak
            assertThat(logBytes).isLessThan(unboundedBytes / 4);
            assertThat(database.checkpoints()).isPositive();
            assertThat(database.logRestarts()).isPositive();
        }
    }

    @Test
    void everyCommitSurvivesCloseAndTheLogIsEmptiedOnClose() throws Exception {
        Path file = tempDir.resolve("x.db");
        try (SqliteDatabase database = SqliteDatabase.open("jdbc:sqlite:" + file, SMALL_LOG)) {
            createTable(database);
            List<CompletableFuture<Integer>> units = new ArrayList<>();
            for (int i = 0; i < UNITS / 3; i++) {
                units.add(database.transactionAsync(insertRow(i)));
            }
            CompletableFuture.allOf(units.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }

        Path log = Path.of(file + "-wal");
        assertThat(!Files.exists(log) || Files.size(log) == 0).as("log left after close").isTrue();
        try (SqliteDatabase database = SqliteDatabase.open(file)) {
            int rows = database.read(connection -> {
                try (PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM bulk");
                     ResultSet row = count.executeQuery()) {
                    row.next();
                    return row.getInt(1);
                }
            });
            assertThat(rows).isEqualTo(UNITS / 3);
        }
    }

    private static void createTable(SqliteDatabase database) {
        database.transaction(connection -> {
            try (PreparedStatement create = connection.prepareStatement(
                    "CREATE TABLE bulk (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")) {
                return create.executeUpdate();
            }
        });
    }

    private static SqlWork<Integer> insertRow(int id) {
        return connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO bulk (id, payload) VALUES (?, ?)")) {
                insert.setInt(1, id);
                insert.setString(2, "x".repeat(ROW_BYTES));
                return insert.executeUpdate();
            }
        };
    }

    private static int intPragma(Connection connection, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("PRAGMA " + name);
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
