package io.latchkey.store.jdbc;

import io.latchkey.core.key.KeyPurpose;
import io.latchkey.core.key.KeyStore;
import io.latchkey.core.key.SigningAlgorithm;
import io.latchkey.core.key.StoredKey;
import io.latchkey.core.webhook.WebhookEventType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Sealed key material in the {@code signing_keys} table. */
public final class JdbcKeyStore implements KeyStore {
    private final Database database;
    private final WebhookOutbox outbox;

    public JdbcKeyStore(Database database) {
        this(database, WebhookOutbox.NONE);
    }

    /** Reporting a rotation of the access-token keys ({@code keys.rotated}) to {@code outbox} in its transaction. */
    public JdbcKeyStore(Database database, WebhookOutbox outbox) {
        this.database = database;
        this.outbox = outbox;
    }

    @Override
    public List<StoredKey> list() {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT kid, purpose, alg, sealed_jwk, created_at, retired_at FROM signing_keys ORDER BY created_at");
                 ResultSet rows = select.executeQuery()) {
                List<StoredKey> keys = new ArrayList<>();
                while (rows.next()) {
                    keys.add(new StoredKey(rows.getString("kid"), KeyPurpose.fromStoredName(rows.getString("purpose")),
                            SigningAlgorithm.parse(rows.getString("alg")), rows.getString("sealed_jwk"),
                            Rows.instant(rows, "created_at"), Rows.instant(rows, "retired_at")));
                }
                return keys;
            }
        });
    }

    @Override
    public boolean insertIfAbsent(StoredKey key) {
        return database.transaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO signing_keys (kid, purpose, alg, sealed_jwk, created_at, retired_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kid) DO NOTHING")) {
                insert.setString(1, key.kid());
                insert.setString(2, key.purpose().storedName());
                insert.setString(3, key.algorithm().name());
                insert.setString(4, key.sealedJwk());
                Rows.setInstant(insert, 5, key.createdAt());
                Rows.setInstant(insert, 6, key.retiredAt());
                boolean inserted = insert.executeUpdate() == 1;
                if (inserted) {
                    ChangeLog.append(connection, Change.Kind.SIGNING_KEYS, key.kid(), null);
                }
                return inserted;
            }
        });
    }

    @Override
    public void retireOthers(KeyPurpose purpose, String exceptKid, Instant at) {
        database.transaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE signing_keys SET retired_at = ? WHERE purpose = ? AND kid <> ? AND retired_at IS NULL")) {
                Rows.setInstant(update, 1, at);
                update.setString(2, purpose.storedName());
                update.setString(3, exceptKid);
                int retired = update.executeUpdate();
                if (retired > 0) {
                    if (purpose == KeyPurpose.ACCESS_TOKEN) {
                        outbox.append(connection, WebhookEventType.KEYS_ROTATED, "kid", exceptKid);
                    }
                    ChangeLog.append(connection, Change.Kind.SIGNING_KEYS, exceptKid, null);
                }
                return retired;
            }
        });
    }

    @Override
    public int deleteRetiredBefore(KeyPurpose purpose, Instant before) {
        return database.transaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM signing_keys WHERE purpose = ? AND retired_at IS NOT NULL AND retired_at < ?")) {
                delete.setString(1, purpose.storedName());
                Rows.setInstant(delete, 2, before);
                return delete.executeUpdate();
            }
        });
    }
}
