package io.latchkey.store.jdbc;

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
 * decides which of two concurrent refreshes wins.
 */
public final class JdbcRevocationStore implements RevocationStore {
    private final Database database;

    public JdbcRevocationStore(Database database) {
        this.database = database;
    }

    @Override
    public boolean consumeRefreshToken(String jti, String familyId, String clientId, Instant expiresAt) {
        return database.transaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO consumed_refresh_tokens (jti, family_id, client_id, expires_at) VALUES (?, ?, ?, ?) "
                            + "ON CONFLICT (jti) DO NOTHING")) {
                insert.setString(1, jti);
                insert.setString(2, familyId);
                insert.setString(3, clientId);
                Rows.setInstant(insert, 4, expiresAt);
                return insert.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean isRefreshTokenConsumed(String jti) {
        return database.transaction(connection -> {
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
                return insert.executeUpdate();
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
                return insert.executeUpdate();
            }
        });
    }

    @Override
    public Map<String, Instant> revokedFamilies(Instant now) {
        return database.transaction(connection ->
                unexpired(connection, "SELECT family_id, expires_at FROM revoked_families WHERE expires_at > ?", now));
    }

    @Override
    public Map<String, Instant> revokedAccessTokens(Instant now) {
        return database.transaction(connection ->
                unexpired(connection, "SELECT jti, expires_at FROM revoked_access_tokens WHERE expires_at > ?", now));
    }

    @Override
    public int purgeExpired(Instant now) {
        return database.transaction(connection -> {
            int purged = 0;
            for (String table : new String[] {"consumed_refresh_tokens", "revoked_families", "revoked_access_tokens"}) {
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM " + table + " WHERE expires_at <= ?")) {
                    Rows.setInstant(delete, 1, now);
                    purged += delete.executeUpdate();
                }
            }
            return purged;
        });
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
