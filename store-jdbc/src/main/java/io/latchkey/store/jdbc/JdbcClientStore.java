package io.latchkey.store.jdbc;

import io.latchkey.core.client.Client;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.ClientJwks;
import io.latchkey.core.client.ClientStore;
import io.latchkey.core.client.Scopes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Clients in the {@code clients} table; scopes as one space-delimited column. The public keys of
 * a {@code private_key_jwt} client are a row of {@code client_keys}, written and deleted with it.
 */
public final class JdbcClientStore implements ClientStore {
    private static final String COLUMNS = "client_id, partner_id, name, scopes, secret_hash, "
            + "previous_secret_hash, previous_secret_expires_at, created_at, access_token_ttl_ms, dpop_bound_access_tokens";

    private final Database database;

    public JdbcClientStore(Database database) {
        this.database = database;
    }

    @Override
    public void insert(Client client) {
        database.transaction(connection -> insert(connection, client));
    }

    @Override
    public void insert(Client client, ClientJwks keys) {
        database.transaction(connection -> {
            insert(connection, client);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO client_keys (client_id, method, jwks, created_at) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, client.id().value());
                insert.setString(2, "private_key_jwt");
                insert.setString(3, keys.json());
                Rows.setInstant(insert, 4, client.createdAt());
                return insert.executeUpdate();
            }
        });
    }

    @Override
    public Optional<ClientJwks> findKeys(ClientId id) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT jwks FROM client_keys WHERE client_id = ?")) {
                select.setString(1, id.value());
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(ClientJwks.parse(rows.getString("jwks")))
                            : Optional.<ClientJwks>empty();
                }
            }
        });
    }

    private static int insert(Connection connection, Client client) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO clients (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, client.id().value());
            insert.setString(2, client.partnerId());
            insert.setString(3, client.name());
            insert.setString(4, client.scopes().spaceDelimited());
            insert.setString(5, client.secretHash());
            insert.setString(6, client.previousSecretHash());
            Rows.setInstant(insert, 7, client.previousSecretExpiresAt());
            Rows.setInstant(insert, 8, client.createdAt());
            setTtl(insert, 9, client.accessTokenTtl());
            insert.setInt(10, client.dpopBoundAccessTokens() ? 1 : 0);
            return insert.executeUpdate();
        }
    }

    @Override
    public Optional<Client> find(ClientId id) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM clients WHERE client_id = ?")) {
                select.setString(1, id.value());
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(client(rows)) : Optional.<Client>empty();
                }
            }
        });
    }

    @Override
    public List<Client> list(String partnerId) {
        return database.read(connection -> {
            String sql = "SELECT " + COLUMNS + " FROM clients"
                    + (partnerId == null ? "" : " WHERE partner_id = ?") + " ORDER BY created_at, client_id";
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                if (partnerId != null) {
                    select.setString(1, partnerId);
                }
                List<Client> clients = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        clients.add(client(rows));
                    }
                }
                return clients;
            }
        });
    }

    @Override
    public long count() {
        return database.transaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM clients");
                 ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    @Override
    public boolean updateSecret(Client client, String expectedSecretHash) {
        return database.transaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE clients SET secret_hash = ?, previous_secret_hash = ?, previous_secret_expires_at = ? "
                            + "WHERE client_id = ? AND secret_hash = ?")) {
                update.setString(1, client.secretHash());
                update.setString(2, client.previousSecretHash());
                Rows.setInstant(update, 3, client.previousSecretExpiresAt());
                update.setString(4, client.id().value());
                update.setString(5, expectedSecretHash);
                boolean updated = update.executeUpdate() == 1;
                if (updated) {
                    ChangeLog.append(connection, Change.Kind.CLIENT, client.id().value(), null);
                }
                return updated;
            }
        });
    }

    @Override
    public boolean updateSettings(Client client, String expectedSecretHash) {
        return database.transaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE clients SET name = ?, scopes = ?, access_token_ttl_ms = ? "
                            + "WHERE client_id = ? AND secret_hash = ?")) {
                update.setString(1, client.name());
                update.setString(2, client.scopes().spaceDelimited());
                setTtl(update, 3, client.accessTokenTtl());
                update.setString(4, client.id().value());
                update.setString(5, expectedSecretHash);
                boolean updated = update.executeUpdate() == 1;
                if (updated) {
                    ChangeLog.append(connection, Change.Kind.CLIENT, client.id().value(), null);
                }
                return updated;
            }
        });
    }

    @Override
    public boolean delete(ClientId id) {
        return database.transaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM clients WHERE client_id = ?");
                 PreparedStatement grants = connection.prepareStatement("DELETE FROM api_grants WHERE client_id = ?")) {
                delete.setString(1, id.value());
                grants.setString(1, id.value());
                grants.executeUpdate();
                boolean deleted = delete.executeUpdate() == 1;
                if (deleted) {
                    ChangeLog.append(connection, Change.Kind.CLIENT, id.value(), null);
                    deleteKeys(connection, id);
                }
                return deleted;
            }
        });
    }

    private static void deleteKeys(Connection connection, ClientId id) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM client_keys WHERE client_id = ?")) {
            delete.setString(1, id.value());
            if (delete.executeUpdate() == 1) {
                ChangeLog.append(connection, Change.Kind.CLIENT_KEYS, id.value(), null);
            }
        }
    }

    private static Client client(ResultSet rows) throws SQLException {
        return new Client(
                new ClientId(rows.getString("client_id")),
                rows.getString("partner_id"),
                rows.getString("name"),
                Scopes.parse(rows.getString("scopes")),
                rows.getString("secret_hash"),
                rows.getString("previous_secret_hash"),
                Rows.instant(rows, "previous_secret_expires_at"),
                Rows.instant(rows, "created_at"),
                ttl(rows, "access_token_ttl_ms"),
                rows.getInt("dpop_bound_access_tokens") != 0);
    }

    /** A lifetime as whole milliseconds, or SQL NULL. */
    static void setTtl(PreparedStatement statement, int index, Duration ttl) throws SQLException {
        if (ttl == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, ttl.toMillis());
        }
    }

    static Duration ttl(ResultSet rows, String column) throws SQLException {
        long millis = rows.getLong(column);
        return rows.wasNull() ? null : Duration.ofMillis(millis);
    }
}
