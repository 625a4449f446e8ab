package io.latchkey.store.jdbc;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;

/**
 * Named leases in the {@code leases} table, so that housekeeping shared by several instances runs
 * on one at a time. A lease is taken when free or expired, and renewed by its holder; plain
 * UPDATE/INSERT, so it needs no advisory locks and runs on SQLite and PostgreSQL-compatible
 * distributed databases alike.
 */
public final class Leases {
    private final Database database;

    public Leases(Database database) {
        this.database = database;
    }

    /** Whether {@code holder} now holds {@code name} until {@code now + ttl}. */
    public boolean tryAcquire(String name, String holder, Instant now, Duration ttl) {
        Instant until = now.plus(ttl);
        return database.transaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE leases SET holder = ?, expires_at = ? WHERE name = ? AND (holder = ? OR expires_at < ?)")) {
                update.setString(1, holder);
                Rows.setInstant(update, 2, until);
                update.setString(3, name);
                update.setString(4, holder);
                Rows.setInstant(update, 5, now);
                if (update.executeUpdate() == 1) {
                    return true;
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
                insert.setString(1, name);
                insert.setString(2, holder);
                Rows.setInstant(insert, 3, until);
                return insert.executeUpdate() == 1;
            }
        });
    }

    /** Gives {@code name} up if {@code holder} holds it: another may take it at once. */
    public void release(String name, String holder) {
        database.transaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM leases WHERE name = ? AND holder = ?")) {
                delete.setString(1, name);
                delete.setString(2, holder);
                return delete.executeUpdate();
            }
        });
    }
}
