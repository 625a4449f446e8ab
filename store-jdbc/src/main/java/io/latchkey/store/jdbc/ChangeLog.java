package io.latchkey.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code change_log} table: what other instances must learn of, numbered by the database.
 * Writers append inside the transaction of the change, so an entry exists exactly when the change
 * committed.
 *
 * <p>The numbers come from the one row of {@code change_log_sequence}, incremented by the
 * appending transaction and held locked by it until it commits (on SQLite, every write holds the
 * database's one write lock anyway). So the numbers have no gaps and commit in order: once entry
 * {@code n} is visible, every entry before it is too, and a reader that has applied everything up
 * to {@code n} needs exactly the entries after {@code n}. No clock is involved, neither the
 * writer's nor the reader's. The cost is that transactions which append to the log commit one
 * after another; they are the rare ones (admin changes, revocations), never a refresh.
 */
public final class ChangeLog {
    /** Entries kept; an instance that falls further behind reloads everything instead. */
    static final int RETAINED = 10_000;
    private static final int PURGE_BATCH = 1_000;
    private final Database database;

    public ChangeLog(Database database) {
        this.database = database;
    }

    /**
     * The entries after {@code applied}, in order, up to the newest. {@link Batch#complete()} is
     * false when some of them are gone (purged: the reader fell more than {@link #RETAINED}
     * behind) or when more than {@code limit} are new: the reader must then reload instead.
     */
    public record Batch(long newest, List<Change> changes, boolean complete) {
    }

    /** Appends a change within the caller's transaction; the last statement it makes before committing. */
    static void append(Connection connection, Change.Kind kind, String subject, Instant expiresAt) throws SQLException {
        try (PreparedStatement next = connection.prepareStatement(
                "UPDATE change_log_sequence SET last_seq = last_seq + 1")) {
            next.executeUpdate();
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO change_log (seq, kind, subject, expires_at) "
                        + "SELECT last_seq, ?, ?, ? FROM change_log_sequence")) {
            insert.setString(1, kind.name());
            insert.setString(2, subject);
            Rows.setInstant(insert, 3, expiresAt);
            insert.executeUpdate();
        }
    }

    /** The number of the newest entry (0 for none yet). */
    public long newest() {
        return database.read(ChangeLog::newest);
    }

    /** See {@link Batch}; at most {@code limit} entries are read. */
    public Batch after(long applied, int limit) {
        return database.read(connection -> {
            // The number first: every entry up to it has committed, so the select below sees them
            // all, also under READ COMMITTED where each statement takes a snapshot of its own.
            long newest = newest(connection);
            if (newest - applied > limit) {
                return new Batch(newest, List.of(), false);
            }
            List<Change> changes = new ArrayList<>();
            long read = 0;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT seq, kind, subject, expires_at FROM change_log WHERE seq > ? AND seq <= ? ORDER BY seq")) {
                select.setLong(1, applied);
                select.setLong(2, newest);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        read++;
                        Change.Kind kind;
                        try {
                            kind = Change.Kind.valueOf(rows.getString("kind"));
                        } catch (IllegalArgumentException newerVersion) {
                            continue; // written by a newer instance: not ours to act on
                        }
                        changes.add(new Change(rows.getLong("seq"), kind, rows.getString("subject"),
                                Rows.instant(rows, "expires_at")));
                    }
                }
            }
            return new Batch(newest, changes, read == newest - applied);
        });
    }

    /** Deletes all but the newest {@link #RETAINED} entries, in bounded batches; how many went. */
    public int purge() {
        long keepAfter = newest() - RETAINED;
        return keepAfter <= 0 ? 0 : Batches.deleteAll(database, "change_log", "seq", "seq <= ?", keepAfter, PURGE_BATCH);
    }

    private static long newest(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT last_seq FROM change_log_sequence");
             ResultSet rows = select.executeQuery()) {
            return rows.next() ? rows.getLong(1) : 0;
        }
    }
}
