package io.latchkey.store.jdbc;

import io.latchkey.core.api.Api;
import io.latchkey.core.api.ApiGrant;
import io.latchkey.core.api.ApiStore;
import io.latchkey.core.api.ResourceIdentifier;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.Scopes;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * APIs in {@code apis} and grants in {@code api_grants}; scopes as one space-delimited column.
 * Every change that other instances' caches must learn of appends to the change log in its own
 * transaction: {@code API} with the API's id, {@code API_GRANTS} with the client's id.
 */
public final class JdbcApiStore implements ApiStore {
    private static final String COLUMNS = "id, identifier, name, scopes, access_token_ttl_ms, created_at";
    private static final String GRANT_COLUMNS = "client_id, api_id, scopes, granted_at";

    private final Database database;

    public JdbcApiStore(Database database) {
        this.database = database;
    }

    @Override
    public boolean insert(Api api) {
        // ON CONFLICT DO NOTHING (SQLite and PostgreSQL alike): a taken identifier, even one taken
        // by another instance a moment ago, inserts nothing instead of failing the transaction.
        return database.transaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO apis (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                insert.setString(1, api.id());
                insert.setString(2, api.identifier().value());
                insert.setString(3, api.name());
                insert.setString(4, api.scopes().spaceDelimited());
                JdbcClientStore.setTtl(insert, 5, api.accessTokenTtl());
                Rows.setInstant(insert, 6, api.createdAt());
                boolean inserted = insert.executeUpdate() == 1;
                if (inserted) {
                    ChangeLog.append(connection, Change.Kind.API, api.id(), null);
                }
                return inserted;
            }
        });
    }

    @Override
    public Optional<Api> find(String id) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM apis WHERE id = ?")) {
                select.setString(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(api(rows)) : Optional.<Api>empty();
                }
            }
        });
    }

    @Override
    public List<Api> list() {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM apis ORDER BY created_at, id");
                 ResultSet rows = select.executeQuery()) {
                List<Api> apis = new ArrayList<>();
                while (rows.next()) {
                    apis.add(api(rows));
                }
                return apis;
            }
        });
    }

    @Override
    public boolean update(Api api) {
        return database.transaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE apis SET name = ?, scopes = ?, access_token_ttl_ms = ? WHERE id = ?")) {
                update.setString(1, api.name());
                update.setString(2, api.scopes().spaceDelimited());
                JdbcClientStore.setTtl(update, 3, api.accessTokenTtl());
                update.setString(4, api.id());
                boolean updated = update.executeUpdate() == 1;
                if (updated) {
                    ChangeLog.append(connection, Change.Kind.API, api.id(), null);
                }
                return updated;
            }
        });
    }

    @Override
    public boolean delete(String id) {
        return database.transaction(connection -> {
            try (PreparedStatement grants = connection.prepareStatement("DELETE FROM api_grants WHERE api_id = ?");
                 PreparedStatement delete = connection.prepareStatement("DELETE FROM apis WHERE id = ?")) {
                grants.setString(1, id);
                grants.executeUpdate();
                delete.setString(1, id);
                boolean deleted = delete.executeUpdate() == 1;
                if (deleted) {
                    ChangeLog.append(connection, Change.Kind.API, id, null);
                }
                return deleted;
            }
        });
    }

    @Override
    public boolean putGrant(ApiGrant grant) {
        // SQLite wants a WHERE in an INSERT … SELECT followed by ON CONFLICT (its parser's ambiguity).
        return database.transaction(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement(
                    "INSERT INTO api_grants (" + GRANT_COLUMNS + ") SELECT ?, ?, ?, ? WHERE EXISTS "
                            + "(SELECT 1 FROM apis WHERE id = ?) ON CONFLICT (client_id, api_id) "
                            + "DO UPDATE SET scopes = excluded.scopes, granted_at = excluded.granted_at")) {
                upsert.setString(1, grant.clientId().value());
                upsert.setString(2, grant.apiId());
                upsert.setString(3, grant.scopes().spaceDelimited());
                Rows.setInstant(upsert, 4, grant.grantedAt());
                upsert.setString(5, grant.apiId());
                boolean stored = upsert.executeUpdate() == 1;
                if (stored) {
                    ChangeLog.append(connection, Change.Kind.API_GRANTS, grant.clientId().value(), null);
                }
                return stored;
            }
        });
    }

    @Override
    public boolean deleteGrant(ClientId clientId, String apiId) {
        return database.transaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM api_grants WHERE client_id = ? AND api_id = ?")) {
                delete.setString(1, clientId.value());
                delete.setString(2, apiId);
                boolean deleted = delete.executeUpdate() == 1;
                if (deleted) {
                    ChangeLog.append(connection, Change.Kind.API_GRANTS, clientId.value(), null);
                }
                return deleted;
            }
        });
    }

    @Override
    public List<ApiGrant> grantsOf(ClientId clientId) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + GRANT_COLUMNS + " FROM api_grants WHERE client_id = ? ORDER BY granted_at, api_id")) {
                select.setString(1, clientId.value());
                List<ApiGrant> grants = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        grants.add(new ApiGrant(new ClientId(rows.getString("client_id")), rows.getString("api_id"),
                                Scopes.parse(rows.getString("scopes")), Rows.instant(rows, "granted_at")));
                    }
                }
                return grants;
            }
        });
    }

    private static Api api(ResultSet rows) throws SQLException {
        return new Api(rows.getString("id"), new ResourceIdentifier(rows.getString("identifier")), rows.getString("name"),
                Scopes.parse(rows.getString("scopes")), JdbcClientStore.ttl(rows, "access_token_ttl_ms"),
                Rows.instant(rows, "created_at"));
    }
}
