package io.latchkey.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The {@code change_log} table. Writers append inside the transaction of the change, so an entry
 * exists exactly when the change committed. Entries carry the writer's wall-clock time, not the
 * domain clock: the log is plumbing between instances, read by time window, and instances sharing a
 * database are expected to keep their clocks in step (NTP) to well within that window.
 */
public final class ChangeLog {
    private static final int PURGE_BATCH = 1_000;
    private final Database database;

    public ChangeLog(Database database) {
        this.database = database;
    }

    /** Appends a change within the caller's transaction. */
    static void append(Connection connection, Change.Kind kind, String subject, Instant expiresAt) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO change_log (id, kind, subject, expires_at, created_at) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, UUID.randomUUID().toString());
            insert.setString(2, kind.name());
            insert.setString(3, subject);
            Rows.setInstant(insert, 4, expiresAt);
            insert.setLong(5, System.currentTimeMillis());
            insert.executeUpdate();
        }
    }

    /** Every change written at or after {@code since}, oldest first. */
    public List<Change> since(Instant since) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, kind, subject, expires_at, created_at FROM change_log WHERE created_at >= ? "
                            + "ORDER BY created_at")) {
                Rows.setInstant(select, 1, since);
                List<Change> changes = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        Change.Kind kind;
                        try {
                            kind = Change.Kind.valueOf(rows.getString("kind"));
                        } catch (IllegalArgumentException newerVersion) {
                            continue; // written by a newer instance: not ours to act on
                        }
                        changes.add(new Change(rows.getString("id"), kind, rows.getString("subject"),
                                Rows.instant(rows, "expires_at"), Rows.instant(rows, "created_at")));
                    }
                }
                return changes;
            }
        });
    }

    /** Deletes entries older than {@code before}, in bounded batches; how many went. */
    public int purgeBefore(Instant before) {
        return Batches.deleteAll(database, "change_log", "id", "created_at < ?", before, PURGE_BATCH);
    }
}
