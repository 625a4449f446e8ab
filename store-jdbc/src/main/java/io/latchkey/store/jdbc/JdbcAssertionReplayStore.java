package io.latchkey.store.jdbc;

import io.latchkey.core.auth.AssertionReplayStore;
import java.sql.PreparedStatement;
import java.time.Instant;

/**
 * The {@code client_assertion_jtis} table: one {@code INSERT … ON CONFLICT DO NOTHING} on
 * (client, jti), its primary key, so the database decides which use of an assertion is the first,
 * whichever instance each arrives at. Rows are purged once their assertion has expired.
 */
public final class JdbcAssertionReplayStore implements AssertionReplayStore {
    private final Database database;

    public JdbcAssertionReplayStore(Database database) {
        this.database = database;
    }

    @Override
    public boolean useOnce(String clientId, String jti, Instant expiresAt) {
        return database.transaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO client_assertion_jtis (client_id, jti, expires_at) VALUES (?, ?, ?) "
                            + "ON CONFLICT (client_id, jti) DO NOTHING")) {
                insert.setString(1, clientId);
                insert.setString(2, jti);
                Rows.setInstant(insert, 3, expiresAt);
                return insert.executeUpdate() == 1;
            }
        });
    }

    /**
     * Deletes the rows of expired assertions. Batched by {@code expires_at} rather than by
     * {@code jti}: two clients may use one jti, and a batch by jti alone would delete the other
     * client's row too, before its assertion expired.
     */
    static int purgeExpired(Database database, Instant now, int batch) {
        return Batches.deleteAll(database, "client_assertion_jtis", "expires_at", "expires_at <= ?", now, batch);
    }
}
