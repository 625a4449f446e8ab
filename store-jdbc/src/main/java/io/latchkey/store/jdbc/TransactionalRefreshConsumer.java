package io.latchkey.store.jdbc;

import io.latchkey.core.token.ConsumeResult;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;

/**
 * One transaction per consumption: the insert on the {@code jti} primary key, then the check for
 * a revoked family. On SQLite the writer commits the transactions that queue up together, so
 * consumptions are group-committed all the same.
 */
final class TransactionalRefreshConsumer implements RefreshTokenConsumer {
    private static final String INSERT = "INSERT INTO consumed_refresh_tokens (jti, family_id, client_id, expires_at) "
            + "VALUES (?, ?, ?, ?) ON CONFLICT (jti) DO NOTHING";
    private static final String FAMILY_REVOKED = "SELECT 1 FROM revoked_families WHERE family_id = ?";

    private final Database database;

    TransactionalRefreshConsumer(Database database) {
        this.database = database;
    }

    @Override
    public ConsumeResult consume(String jti, String familyId, String clientId, Instant expiresAt) {
        return database.transaction(connection -> {
            // The write comes first: a transaction that reads and then writes would have to upgrade
            // its SQLite lock, which fails outright under contention instead of waiting.
            try (Prepared prepared = Prepared.on(connection, INSERT)) {
                PreparedStatement insert = prepared.statement();
                insert.setString(1, jti);
                insert.setString(2, familyId);
                insert.setString(3, clientId);
                Rows.setInstant(insert, 4, expiresAt);
                if (insert.executeUpdate() == 0) {
                    return ConsumeResult.ALREADY_USED;
                }
            }
            // Another instance may have revoked the family a moment ago; its change-log entry may
            // not have reached this instance yet, the row has. (The token is spent either way.)
            try (Prepared prepared = Prepared.on(connection, FAMILY_REVOKED)) {
                PreparedStatement revoked = prepared.statement();
                revoked.setString(1, familyId);
                try (ResultSet rows = revoked.executeQuery()) {
                    return rows.next() ? ConsumeResult.FAMILY_REVOKED : ConsumeResult.CONSUMED;
                }
            }
        });
    }
}
