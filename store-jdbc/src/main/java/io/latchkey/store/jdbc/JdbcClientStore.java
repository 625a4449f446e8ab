package io.latchkey.store.jdbc;

import io.latchkey.core.client.CertificateRegistration;
import io.latchkey.core.client.Client;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.ClientJwks;
import io.latchkey.core.client.ClientLimits;
import io.latchkey.core.client.ClientStore;
import io.latchkey.core.client.JwksUri;
import io.latchkey.core.client.Scopes;
import io.latchkey.core.webhook.WebhookEventType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Clients in the {@code clients} table; scopes as one space-delimited column. The public keys of
 * a {@code private_key_jwt} client are a row of {@code client_keys} (with its {@code jwks_uri}
 * when it serves them at a URL), how a client of a certificate is recognised one of
 * {@code client_certificates}; each written and deleted with its client.
 */
public final class JdbcClientStore implements ClientStore {
    private static final String COLUMNS = "client_id, partner_id, name, scopes, secret_hash, "
            + "previous_secret_hash, previous_secret_expires_at, created_at, access_token_ttl_ms, secret_expires_at, "
            + "allowed_sources, tokens_per_hour, dpop_bound_access_tokens";

    private static final String INSERT = "INSERT INTO clients (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final Database database;
    private final WebhookOutbox outbox;

    public JdbcClientStore(Database database) {
        this(database, WebhookOutbox.NONE);
    }

    /** Reporting creations, deletions, rotations and expiry warnings to {@code outbox} in their transactions. */
    public JdbcClientStore(Database database, WebhookOutbox outbox) {
        this.database = database;
        this.outbox = outbox;
    }

    @Override
    public void insert(Client client) {
        database.transaction(connection -> insert(connection, client));
    }

    /** One transaction of the database: the transactions {@code writes} starts join it. */
    @Override
    public void atomically(Runnable writes) {
        database.transaction(connection -> {
            writes.run();
            return null;
        });
    }

    @Override
    public void insert(Client client, ClientJwks keys) {
        insert(client, keys, null);
    }

    @Override
    public void insert(Client client, ClientJwks keys, JwksUri jwksUri) {
        database.transaction(connection -> {
            insert(connection, client);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO client_keys (client_id, method, jwks, created_at, jwks_uri) VALUES (?, ?, ?, ?, ?)")) {
                insert.setString(1, client.id().value());
                insert.setString(2, "private_key_jwt");
                insert.setString(3, keys.json());
                Rows.setInstant(insert, 4, client.createdAt());
                insert.setString(5, jwksUri == null ? null : jwksUri.toString());
                return insert.executeUpdate();
            }
        });
    }

    @Override
    public Optional<JwksUri> findJwksUri(ClientId id) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT jwks_uri FROM client_keys WHERE client_id = ?")) {
                select.setString(1, id.value());
                try (ResultSet rows = select.executeQuery()) {
                    String uri = rows.next() ? rows.getString("jwks_uri") : null;
                    return uri == null ? Optional.<JwksUri>empty() : Optional.of(JwksUri.parse(uri));
                }
            }
        });
    }

    @Override
    public void insert(Client client, CertificateRegistration registration) {
        database.transaction(connection -> {
            insert(connection, client);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO client_certificates (client_id, method, subject_dn, jwks, created_at) "
                            + "VALUES (?, ?, ?, ?, ?)")) {
                insert.setString(1, client.id().value());
                insert.setString(2, registration.method());
                insert.setString(3, registration.subjectDn());
                insert.setString(4, registration.keys() == null ? null : registration.keys().json());
                Rows.setInstant(insert, 5, client.createdAt());
                return insert.executeUpdate();
            }
        });
    }

    @Override
    public Optional<CertificateRegistration> findCertificateRegistration(ClientId id) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT method, subject_dn, jwks FROM client_certificates WHERE client_id = ?")) {
                select.setString(1, id.value());
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.<CertificateRegistration>empty();
                    }
                    String jwks = rows.getString("jwks");
                    return Optional.of(new CertificateRegistration(rows.getString("method"),
                            rows.getString("subject_dn"), jwks == null ? null : ClientJwks.parse(jwks)));
                }
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

    private int insert(Connection connection, Client client) throws SQLException {
        outbox.append(connection, WebhookEventType.CLIENT_CREATED, "clientId", client.id().value(),
                "partnerId", client.partnerId(), "name", client.name(), "scopes", client.scopes().spaceDelimited());
        try (Prepared prepared = Prepared.on(connection, INSERT)) {
            PreparedStatement insert = prepared.statement();
            insert.setString(1, client.id().value());
            insert.setString(2, client.partnerId());
            insert.setString(3, client.name());
            insert.setString(4, client.scopes().spaceDelimited());
            insert.setString(5, client.secretHash());
            insert.setString(6, client.previousSecretHash());
            Rows.setInstant(insert, 7, client.previousSecretExpiresAt());
            Rows.setInstant(insert, 8, client.createdAt());
            setTtl(insert, 9, client.accessTokenTtl());
            Rows.setInstant(insert, 10, client.secretExpiresAt());
            setLimits(insert, 11, client.limits());
            insert.setInt(13, client.dpopBoundAccessTokens() ? 1 : 0);
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
                    "UPDATE clients SET secret_hash = ?, previous_secret_hash = ?, previous_secret_expires_at = ?, "
                            + "secret_expires_at = ?, secret_expiry_warned_at = NULL "
                            + "WHERE client_id = ? AND secret_hash = ?")) {
                update.setString(1, client.secretHash());
                update.setString(2, client.previousSecretHash());
                Rows.setInstant(update, 3, client.previousSecretExpiresAt());
                Rows.setInstant(update, 4, client.secretExpiresAt());
                update.setString(5, client.id().value());
                update.setString(6, expectedSecretHash);
                boolean updated = update.executeUpdate() == 1;
                if (updated) {
                    outbox.append(connection, WebhookEventType.CLIENT_SECRET_ROTATED, "clientId", client.id().value(),
                            "partnerId", client.partnerId(), "secretExpiresAt", client.secretExpiresAt());
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
                    "UPDATE clients SET name = ?, scopes = ?, access_token_ttl_ms = ?, allowed_sources = ?, "
                            + "tokens_per_hour = ?, dpop_bound_access_tokens = ? WHERE client_id = ? AND secret_hash = ?")) {
                update.setString(1, client.name());
                update.setString(2, client.scopes().spaceDelimited());
                setTtl(update, 3, client.accessTokenTtl());
                setLimits(update, 4, client.limits());
                update.setInt(6, client.dpopBoundAccessTokens() ? 1 : 0);
                update.setString(7, client.id().value());
                update.setString(8, expectedSecretHash);
                boolean updated = update.executeUpdate() == 1;
                if (updated) {
                    ChangeLog.append(connection, Change.Kind.CLIENT, client.id().value(), null);
                }
                return updated;
            }
        });
    }

    @Override
    public List<Client> unwarnedSecretsExpiringBefore(Instant until, int limit) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM clients "
                    + "WHERE secret_expires_at IS NOT NULL AND secret_expires_at < ? AND secret_expiry_warned_at IS NULL "
                    + "ORDER BY secret_expires_at LIMIT " + limit)) {
                Rows.setInstant(select, 1, until);
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
    public List<Client> secretsExpiringBefore(Instant until, int limit) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM clients "
                    + "WHERE secret_expires_at IS NOT NULL AND secret_expires_at < ? "
                    + "ORDER BY secret_expires_at LIMIT " + limit)) {
                Rows.setInstant(select, 1, until);
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
    public long countSecretsExpiringBetween(Instant from, Instant until) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT COUNT(*) FROM clients WHERE secret_expires_at > ? AND secret_expires_at < ?")) {
                Rows.setInstant(select, 1, from);
                Rows.setInstant(select, 2, until);
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });
    }

    @Override
    public boolean markExpiryWarned(ClientId id, String secretHash, Instant at) {
        return database.transaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE clients SET secret_expiry_warned_at = ? "
                    + "WHERE client_id = ? AND secret_hash = ? AND secret_expiry_warned_at IS NULL")) {
                Rows.setInstant(update, 1, at);
                update.setString(2, id.value());
                update.setString(3, secretHash);
                boolean marked = update.executeUpdate() == 1;
                if (marked) {
                    expiring(connection, id);
                }
                return marked;
            }
        });
    }

    @Override
    public boolean delete(ClientId id) {
        return delete(id, null);
    }

    /**
     * Deletes the client and, with {@code deletedAt}, records the deletion in
     * {@code deleted_clients} and the change log ({@link Change.Kind#CLIENT_DELETED}) for the
     * revocation feed, in the same transaction; {@link Change.Kind#CLIENT} is logged as before,
     * so an instance of an older version drops the client from its cache too.
     */
    @Override
    public boolean delete(ClientId id, java.time.Instant deletedAt) {
        return database.transaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM clients WHERE client_id = ?");
                 PreparedStatement grants = connection.prepareStatement("DELETE FROM api_grants WHERE client_id = ?")) {
                delete.setString(1, id.value());
                grants.setString(1, id.value());
                grants.executeUpdate();
                boolean deleted = delete.executeUpdate() == 1;
                if (deleted) {
                    outbox.append(connection, WebhookEventType.CLIENT_DELETED, "clientId", id.value());
                    ChangeLog.append(connection, Change.Kind.CLIENT, id.value(), null);
                    deleteKeys(connection, id);
                    if (deletedAt != null) {
                        rememberDeletion(connection, id, deletedAt);
                    }
                }
                return deleted;
            }
        });
    }

    /** {@code client.secret_expiring}, with when the secret expires. */
    private void expiring(Connection connection, ClientId id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT partner_id, secret_expires_at FROM clients WHERE client_id = ?")) {
            select.setString(1, id.value());
            try (ResultSet rows = select.executeQuery()) {
                if (rows.next()) {
                    outbox.append(connection, WebhookEventType.CLIENT_SECRET_EXPIRING, "clientId", id.value(),
                            "partnerId", rows.getString("partner_id"),
                            "secretExpiresAt", Rows.instant(rows, "secret_expires_at"));
                }
            }
        }
    }

    private static void rememberDeletion(Connection connection, ClientId id, java.time.Instant deletedAt)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO deleted_clients (client_id, deleted_at) VALUES (?, ?) "
                        + "ON CONFLICT (client_id) DO UPDATE SET deleted_at = excluded.deleted_at")) {
            insert.setString(1, id.value());
            Rows.setInstant(insert, 2, deletedAt);
            insert.executeUpdate();
        }
        ChangeLog.append(connection, Change.Kind.CLIENT_DELETED, id.value(), deletedAt);
    }

    private static void deleteKeys(Connection connection, ClientId id) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM client_keys WHERE client_id = ?");
             PreparedStatement certificates = connection.prepareStatement(
                     "DELETE FROM client_certificates WHERE client_id = ?")) {
            delete.setString(1, id.value());
            certificates.setString(1, id.value());
            if (delete.executeUpdate() + certificates.executeUpdate() >= 1) {
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
                Rows.instant(rows, "secret_expires_at"),
                limits(rows),
                rows.getInt("dpop_bound_access_tokens") != 0);
    }

    /** {@code allowed_sources} space-delimited (NULL: anywhere) and {@code tokens_per_hour} (NULL: no cap). */
    private static void setLimits(PreparedStatement statement, int index, ClientLimits limits) throws SQLException {
        if (limits.allowedSources() == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, String.join(" ", limits.allowedSources()));
        }
        if (limits.tokensPerHour() == 0) {
            statement.setNull(index + 1, Types.BIGINT);
        } else {
            statement.setLong(index + 1, limits.tokensPerHour());
        }
    }

    private static ClientLimits limits(ResultSet rows) throws SQLException {
        String sources = rows.getString("allowed_sources");
        long perHour = rows.getLong("tokens_per_hour");
        return new ClientLimits(sources == null ? null : List.of(sources.split(" ")), rows.wasNull() ? 0 : perHour);
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
