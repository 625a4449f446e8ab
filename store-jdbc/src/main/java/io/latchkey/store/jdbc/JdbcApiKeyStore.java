package io.latchkey.store.jdbc;

import io.latchkey.core.apikey.ApiKey;
import io.latchkey.core.apikey.ApiKeyRole;
import io.latchkey.core.apikey.ApiKeyStore;
import io.latchkey.core.webhook.WebhookEventType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Admin API keys in the {@code api_keys} table, by keyed hash only, each with its role. */
public final class JdbcApiKeyStore implements ApiKeyStore {
    private final Database database;
    private final WebhookOutbox outbox;

    public JdbcApiKeyStore(Database database) {
        this(database, WebhookOutbox.NONE);
    }

    /** Reporting creations and deletions to {@code outbox} in their transactions. */
    public JdbcApiKeyStore(Database database, WebhookOutbox outbox) {
        this.database = database;
        this.outbox = outbox;
    }

    @Override
    public void insert(ApiKey key) {
        database.transaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO api_keys (id, key_hash, name, created_at, role) VALUES (?, ?, ?, ?, ?)")) {
                insert.setString(1, key.id());
                insert.setString(2, key.keyHash());
                insert.setString(3, key.name());
                Rows.setInstant(insert, 4, key.createdAt());
                insert.setString(5, key.role().storedName());
                insert.executeUpdate();
                outbox.append(connection, WebhookEventType.APIKEY_CREATED, "apiKeyId", key.id(), "name", key.name(),
                        "role", key.role().storedName());
                ChangeLog.append(connection, Change.Kind.API_KEYS, key.id(), null);
                return null;
            }
        });
    }

    @Override
    public List<ApiKey> list() {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, key_hash, name, created_at, role FROM api_keys ORDER BY created_at, id");
                 ResultSet rows = select.executeQuery()) {
                List<ApiKey> keys = new ArrayList<>();
                while (rows.next()) {
                    keys.add(key(rows));
                }
                return keys;
            }
        });
    }

    @Override
    public Optional<ApiKey> findByHash(String keyHash) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, key_hash, name, created_at, role FROM api_keys WHERE key_hash = ?")) {
                select.setString(1, keyHash);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(key(rows)) : Optional.<ApiKey>empty();
                }
            }
        });
    }

    private static ApiKey key(ResultSet rows) throws java.sql.SQLException {
        return new ApiKey(rows.getString("id"), rows.getString("key_hash"), rows.getString("name"),
                Rows.instant(rows, "created_at"), ApiKeyRole.stored(rows.getString("role")));
    }

    @Override
    public boolean delete(String id) {
        return database.transaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM api_keys WHERE id = ?")) {
                delete.setString(1, id);
                boolean deleted = delete.executeUpdate() == 1;
                if (deleted) {
                    outbox.append(connection, WebhookEventType.APIKEY_DELETED, "apiKeyId", id);
                    ChangeLog.append(connection, Change.Kind.API_KEYS, id, null);
                }
                return deleted;
            }
        });
    }
}
