package io.latchkey.store.jdbc;

import io.latchkey.core.token.ConsumeResult;
import io.latchkey.core.token.RevocationStore;
import io.latchkey.core.webhook.WebhookEventType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.function.BiConsumer;

/**
 * Consumed refresh tokens and revocations. Consumption is one {@code INSERT … ON CONFLICT DO
 * NOTHING} on the token's {@code jti}, the primary key: the database, not the application,
 * decides which of two concurrent refreshes wins. Consumptions are group-committed on both
 * stores, each database's way ({@link Database#refreshTokenConsumer()}): SQLite's writer batches
 * every transaction, and on PostgreSQL the concurrent consumptions go to the database as one
 * statement ({@link PostgresRefreshBatcher}).
 */
public final class JdbcRevocationStore implements RevocationStore {
    private static final int PURGE_BATCH = 1_000;
    private final Database database;
    private final RefreshTokenConsumer consumer;

    private final WebhookOutbox outbox;

    public JdbcRevocationStore(Database database) {
        this(database, WebhookOutbox.NONE);
    }

    /** Reporting {@code refresh_token.reuse_detected} to {@code outbox} in the family's revocation. */
    public JdbcRevocationStore(Database database, WebhookOutbox outbox) {
        this.database = database;
        this.consumer = database.refreshTokenConsumer();
        this.outbox = outbox;
    }

    @Override
    public ConsumeResult consumeRefreshToken(String jti, String familyId, String clientId, Instant expiresAt) {
        return consumer.consume(jti, familyId, clientId, expiresAt);
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
    public boolean revokeFamily(String familyId, String clientId, Instant revokedAt, Instant expiresAt) {
        return revokeFamily(familyId, clientId, revokedAt, expiresAt, false);
    }

    @Override
    public boolean revokeFamilyAfterReuse(String familyId, String clientId, Instant revokedAt, Instant expiresAt) {
        return revokeFamily(familyId, clientId, revokedAt, expiresAt, true);
    }

    private boolean revokeFamily(String familyId, String clientId, Instant revokedAt, Instant expiresAt,
                                 boolean reused) {
        return database.transaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO revoked_families (family_id, client_id, revoked_at, expires_at) VALUES (?, ?, ?, ?) "
                            + "ON CONFLICT (family_id) DO NOTHING")) {
                insert.setString(1, familyId);
                insert.setString(2, clientId);
                Rows.setInstant(insert, 3, revokedAt);
                Rows.setInstant(insert, 4, expiresAt);
                if (insert.executeUpdate() == 0) {
                    return false;
                }
                if (reused) {
                    outbox.append(connection, WebhookEventType.REFRESH_TOKEN_REUSE_DETECTED, "clientId", clientId,
                            "familyId", familyId);
                }
                ChangeLog.append(connection, Change.Kind.FAMILY_REVOKED, familyId, expiresAt);
                return true;
            }
        });
    }

    @Override
    public boolean revokeAccessToken(String jti, String clientId, Instant expiresAt) {
        return database.transaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO revoked_access_tokens (jti, client_id, expires_at) VALUES (?, ?, ?) "
                            + "ON CONFLICT (jti) DO NOTHING")) {
                insert.setString(1, jti);
                insert.setString(2, clientId);
                Rows.setInstant(insert, 3, expiresAt);
                if (insert.executeUpdate() == 0) {
                    return false;
                }
                ChangeLog.append(connection, Change.Kind.ACCESS_TOKEN_REVOKED, jti, expiresAt);
                return true;
            }
        });
    }

    @Override
    public boolean isRefreshTokenSpent(String jti, String familyId) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT 1 FROM consumed_refresh_tokens WHERE jti = ? "
                            + "UNION ALL SELECT 1 FROM revoked_families WHERE family_id = ?")) {
                select.setString(1, jti);
                select.setString(2, familyId);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next();
                }
            }
        });
    }

    @Override
    public boolean isFamilyRevoked(String familyId) {
        return exists("SELECT 1 FROM revoked_families WHERE family_id = ?", familyId);
    }

    @Override
    public boolean isAccessTokenRevoked(String jti) {
        return exists("SELECT 1 FROM revoked_access_tokens WHERE jti = ?", jti);
    }

    @Override
    public void forEachRevokedFamily(Instant revokedAfter, BiConsumer<String, Instant> each) {
        // Indexed by revoked_at: memory wants the families of the last access-token lifetime,
        // not the month of rows kept for their refresh tokens.
        database.read(connection -> each(connection,
                "SELECT family_id, revoked_at FROM revoked_families WHERE revoked_at > ?", revokedAfter, each));
    }

    @Override
    public void forEachRevokedAccessToken(Instant now, BiConsumer<String, Instant> each) {
        database.read(connection -> each(connection,
                "SELECT jti, expires_at FROM revoked_access_tokens WHERE expires_at > ?", now, each));
    }

    @Override
    public int purgeExpired(Instant now) {
        return Batches.deleteAll(database, "consumed_refresh_tokens", "jti", "expires_at <= ?", now, PURGE_BATCH)
                + Batches.deleteAll(database, "revoked_families", "family_id", "expires_at <= ?", now, PURGE_BATCH)
                + Batches.deleteAll(database, "revoked_access_tokens", "jti", "expires_at <= ?", now, PURGE_BATCH)
                + JdbcAssertionReplayStore.purgeExpired(database, now, PURGE_BATCH);
    }

    @Override
    public void forEachDeletedClient(Instant deletedAfter, BiConsumer<String, Instant> each) {
        database.read(connection -> each(connection,
                "SELECT client_id, deleted_at FROM deleted_clients WHERE deleted_at > ?", deletedAfter, each));
    }

    @Override
    public int purgeDeletedClients(Instant deletedBefore) {
        return Batches.deleteAll(database, "deleted_clients", "client_id", "deleted_at <= ?", deletedBefore, PURGE_BATCH);
    }

    private boolean exists(String sql, String key) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                select.setString(1, key);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next();
                }
            }
        });
    }

    /** Streams the rows: a million revocations never sit in memory twice (as rows and as a map). */
    private static Void each(Connection connection, String sql, Instant bound, BiConsumer<String, Instant> each)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setFetchSize(1_000); // PostgreSQL streams only with a fetch size (and outside auto-commit)
            Rows.setInstant(select, 1, bound);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    each.accept(rows.getString(1), Instant.ofEpochMilli(rows.getLong(2)));
                }
            }
            return null;
        }
    }
}
