package io.latchkey.store.jdbc;

import io.latchkey.core.token.ConsumeResult;
import io.latchkey.core.token.RevocationStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Consumed refresh tokens and revocations. Consumption is one {@code INSERT … ON CONFLICT DO
 * NOTHING} on the token's {@code jti}, the primary key: the database, not the application,
 * decides which of two concurrent refreshes wins. Consumptions are group-committed on both
 * stores: SQLite's writer batches every transaction, and on PostgreSQL the concurrent
 * consumptions go to the database as one statement ({@link PostgresRefreshBatcher}).
 */
public final class JdbcRevocationStore implements RevocationStore {
    private static final int PURGE_BATCH = 1_000;
    private final Database database;

    public JdbcRevocationStore(Database database) {
        this.database = database;
    }

    @Override
    public ConsumeResult consumeRefreshToken(String jti, String familyId, String clientId, Instant expiresAt) {
        if (database instanceof PostgresDatabase postgres) {
            return postgres.refreshBatcher().consume(jti, familyId, clientId, expiresAt);
        }
        return database.transaction(connection -> {
            // The write comes first: a transaction that reads and then writes would have to upgrade
            // its SQLite lock, which fails outright under contention instead of waiting.
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO consumed_refresh_tokens (jti, family_id, client_id, expires_at) VALUES (?, ?, ?, ?) "
                            + "ON CONFLICT (jti) DO NOTHING")) {
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
            try (PreparedStatement revoked = connection.prepareStatement(
                    "SELECT 1 FROM revoked_families WHERE family_id = ?")) {
                revoked.setString(1, familyId);
                try (ResultSet rows = revoked.executeQuery()) {
                    return rows.next() ? ConsumeResult.FAMILY_REVOKED : ConsumeResult.CONSUMED;
                }
            }
        });
    }

    @Override
    public boolean isRefreshTokenConsumed(String jti) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT 1 FROM consumed_refresh_tokens WHERE jti = ?")) {
                select.setString(1, jti);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next();
                }
            }
        });
    }

    @Override
    public void revokeFamily(String familyId, String clientId, Instant revokedAt, Instant expiresAt) {
        database.transaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO revoked_families (family_id, client_id, revoked_at, expires_at) VALUES (?, ?, ?, ?) "
                            + "ON CONFLICT (family_id) DO NOTHING")) {
                insert.setString(1, familyId);
                insert.setString(2, clientId);
                Rows.setInstant(insert, 3, revokedAt);
                Rows.setInstant(insert, 4, expiresAt);
                if (insert.executeUpdate() == 1) {
                    ChangeLog.append(connection, Change.Kind.FAMILY_REVOKED, familyId, expiresAt);
                }
                return null;
            }
        });
    }

    @Override
    public void revokeAccessToken(String jti, String clientId, Instant expiresAt) {
        database.transaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO revoked_access_tokens (jti, client_id, expires_at) VALUES (?, ?, ?) "
                            + "ON CONFLICT (jti) DO NOTHING")) {
                insert.setString(1, jti);
                insert.setString(2, clientId);
                Rows.setInstant(insert, 3, expiresAt);
                if (insert.executeUpdate() == 1) {
                    ChangeLog.append(connection, Change.Kind.ACCESS_TOKEN_REVOKED, jti, expiresAt);
                }
                return null;
            }
        });
    }

    @Override
    public Map<String, Instant> revokedFamilies(Instant now) {
        return database.read(connection ->
                unexpired(connection, "SELECT family_id, expires_at FROM revoked_families WHERE expires_at > ?", now));
    }

    @Override
    public Map<String, Instant> revokedAccessTokens(Instant now) {
        return database.read(connection ->
                unexpired(connection, "SELECT jti, expires_at FROM revoked_access_tokens WHERE expires_at > ?", now));
    }

    @Override
    public int purgeExpired(Instant now) {
        return Batches.deleteAll(database, "consumed_refresh_tokens", "jti", "expires_at <= ?", now, PURGE_BATCH)
                + Batches.deleteAll(database, "revoked_families", "family_id", "expires_at <= ?", now, PURGE_BATCH)
                + Batches.deleteAll(database, "revoked_access_tokens", "jti", "expires_at <= ?", now, PURGE_BATCH)
                + JdbcAssertionReplayStore.purgeExpired(database, now, PURGE_BATCH);
    }

    private static Map<String, Instant> unexpired(Connection connection, String sql, Instant now) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            Rows.setInstant(select, 1, now);
            Map<String, Instant> entries = new HashMap<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    entries.put(rows.getString(1), Instant.ofEpochMilli(rows.getLong(2)));
                }
            }
            return entries;
        }
    }
}
