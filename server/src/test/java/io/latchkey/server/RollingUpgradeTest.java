package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.latchkey.store.jdbc.SqliteBackup;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What docs/operations.md's upgrade table claims for several instances on one PostgreSQL, shown
 * with the two schemas side by side: the store left by the previous release, an "old instance"
 * that is a connection running that release's own statements (copied from its code, below), and a
 * new instance (a server process of this code) that migrates the store while the old one works.
 *
 * <p>V5–V7 only add (the expand step of expand-then-contract: nothing this release contracts yet),
 * so the old statements keep working after them, and what each side writes the other reads. V4
 * replaced {@code change_log}: the first release's statements on it fail after it, which is why
 * upgrading to this release stops the fleet.
 */
@Tag("multi-instance") // two releases on one PostgreSQL; runs once, in the default pass
class RollingUpgradeTest {
    private static final Duration CHANGE_FEED_BOUND = Duration.ofSeconds(1);
    private static final String FORM = "application/x-www-form-urlencoded";

    @TempDir
    Path dataDir;

    @Test
    void aStoreAtSchemaFourIsMigratedAndServedByTheNewReleaseWhileTheOldReleasesStatementsKeepWorking()
            throws Exception {
        String url = PostgresForTests.newDatabase();
        migrate(url, "4"); // as the release of schema 4 left it
        try (Connection old = DriverManager.getConnection(url, "postgres", null)) {
            SchemaFourRelease oldInstance = new SchemaFourRelease(old);
            oldInstance.insertClient("old-before", "OldPartner", "made before the upgrade", "hash-nobody-knows");

            try (ServerProcess fresh = ServerProcess.start(List.of(), Map.of(
                    "LATCHKEY_DB_URL", url, "LATCHKEY_DB_USER", "postgres", "LATCHKEY_MASTER_KEY", masterKey(),
                    "LATCHKEY_ISSUER", "https://auth.example.test"), dataDir, TestServer.ADMIN_KEY)) {
                // V5 onwards ran while the old connection was open
                assertThat(schemaVersion(old)).isEqualTo(SqliteBackup.latestSchemaVersion());
                JsonNode listed = json(fresh.get("/admin/clients?partnerId=OldPartner", "X-API-Key", TestServer.ADMIN_KEY));
                assertThat(listed.get("clients").get(0).get("name").asText()).isEqualTo("made before the upgrade");

                // V6 and V7: the old release reads the clients the new one writes, and what it writes is served.
                JsonNode created = json(fresh.post("/admin/clients", "application/json",
                        "{\"partnerId\":\"NewPartner\"}", "X-API-Key", TestServer.ADMIN_KEY));
                String newId = created.get("clientId").asText();
                String secret = created.get("clientSecret").asText();
                String newHash = oldInstance.secretHashOf(newId);
                assertThat(newHash).isNotNull();
                // An old instance creating a client of the same secret (a hash is only a hash under the shared pepper).
                oldInstance.insertClient("old-after", "OldPartner", null, newHash);
                HttpResponse<String> token = fresh.post("/oauth2/token", FORM, "grant_type=client_credentials",
                        "Authorization", basic("old-after", secret));
                assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
                assertThat(TestServer.json(token).get("expires_in").asLong()).as("no cap of its own: the default")
                        .isEqualTo(3600);

                // V7: a private_key_jwt client reads, to the old release, as a client of a secret nobody was shown.
                ECKey signingKey = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
                JsonNode keyed = json(fresh.post("/admin/clients", "application/json", TestServer.write(Map.of(
                        "partnerId", "NewPartner", "tokenEndpointAuthMethod", "private_key_jwt",
                        "jwks", new JWKSet(signingKey.toPublicJWK()).toJSONObject(true))),
                        "X-API-Key", TestServer.ADMIN_KEY));
                assertThat(keyed.has("clientSecret")).isFalse();
                assertThat(oldInstance.secretHashOf(keyed.get("clientId").asText())).isNotNull().isNotEqualTo(newHash);

                // The old release's writes reach the new instances' caches through the change log.
                assertThat(fresh.post("/oauth2/token", FORM, "grant_type=client_credentials",
                        "Authorization", basic(newId, secret)).statusCode()).isEqualTo(200);
                assertThat(oldInstance.updateSecret(newId, "hash-of-a-secret-rotated-by-an-old-instance", newHash)).isTrue();
                assertWithin(CHANGE_FEED_BOUND, () -> fresh.post("/oauth2/token", FORM, "grant_type=client_credentials",
                        "Authorization", basic(newId, secret)).statusCode() == 401);
                assertThat(oldInstance.deleteClient("old-after")).isTrue();
                assertWithin(CHANGE_FEED_BOUND, () -> fresh.post("/oauth2/token", FORM, "grant_type=client_credentials",
                        "Authorization", basic("old-after", secret)).statusCode() == 401);

                // V5: a key the old release writes has no role, and is served as an admin key.
                JsonNode key = json(fresh.post("/admin/api-keys", "application/json", "{\"name\":\"ops\"}",
                        "X-API-Key", TestServer.ADMIN_KEY));
                String apiKey = key.get("apiKey").asText();
                String keyHash = oldInstance.apiKeyHashes().get(key.get("id").asText());
                assertThat(oldInstance.deleteApiKey(key.get("id").asText())).isTrue();
                assertWithin(CHANGE_FEED_BOUND, () -> fresh.get("/admin/clients", "X-API-Key", apiKey).statusCode() == 401);
                oldInstance.insertApiKey("oldkey1", keyHash, "made by an old instance");
                assertWithin(CHANGE_FEED_BOUND, () -> fresh.get("/admin/clients", "X-API-Key", apiKey).statusCode() == 200);
                assertThat(fresh.post("/admin/clients", "application/json", "{\"partnerId\":\"NewPartner\"}",
                        "X-API-Key", apiKey).statusCode()).as("only an admin key may create a client").isEqualTo(201);

                // ...and it reads a verifier key without its role: an old instance would let it do everything
                // (docs/operations.md: create verifier keys once the old instances are gone).
                JsonNode verifier = json(fresh.post("/admin/api-keys", "application/json",
                        "{\"name\":\"gateway\",\"role\":\"verifier\"}", "X-API-Key", TestServer.ADMIN_KEY));
                assertThat(oldInstance.apiKeyHashes()).containsKey(verifier.get("id").asText());
            }
        }
    }

    @Test
    void afterV4TheFirstReleasesChangeLogStatementsFailSoThatUpgradeStopsTheFleet() throws Exception {
        String url = PostgresForTests.newDatabase();
        migrate(url, "3"); // as the first release (schema 3) left it
        try (Connection old = DriverManager.getConnection(url, "postgres", null)) {
            SchemaThreeRelease oldInstance = new SchemaThreeRelease(old);
            oldInstance.appendChange("CLIENT", "some-client");
            assertThat(oldInstance.changesSince(0)).isEqualTo(1);

            migrate(url, "4");

            assertThatThrownBy(() -> oldInstance.appendChange("CLIENT", "some-client")).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> oldInstance.changesSince(0)).isInstanceOf(SQLException.class);
        }
    }

    /** Migrates the database at {@code url} up to {@code version}, as the release of that schema would. */
    private static void migrate(String url, String version) {
        Flyway.configure().dataSource(url, "postgres", null).locations("classpath:db/migration").target(version)
                .load().migrate();
    }

    private static String schemaVersion(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank DESC LIMIT 1");
             ResultSet rows = select.executeQuery()) {
            rows.next();
            return rows.getString(1);
        }
    }

    /**
     * The statements of the release of schema 4 (commit 82cd69c: JdbcClientStore, JdbcApiKeyStore,
     * ChangeLog) on the tables V5–V7 change, each run in its own transaction as that code ran it.
     */
    private record SchemaFourRelease(Connection connection) {
        void insertClient(String id, String partner, String name, String secretHash) throws SQLException {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO clients (client_id, partner_id, "
                    + "name, scopes, secret_hash, previous_secret_hash, previous_secret_expires_at, created_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, id);
                insert.setString(2, partner);
                insert.setString(3, name);
                insert.setString(4, "");
                insert.setString(5, secretHash);
                insert.setString(6, null);
                insert.setNull(7, Types.BIGINT);
                insert.setLong(8, Instant.now().toEpochMilli());
                insert.executeUpdate();
            }
        }

        String secretHashOf(String id) throws SQLException {
            try (PreparedStatement select = connection.prepareStatement("SELECT client_id, partner_id, name, scopes, "
                    + "secret_hash, previous_secret_hash, previous_secret_expires_at, created_at FROM clients "
                    + "WHERE client_id = ?")) {
                select.setString(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? rows.getString("secret_hash") : null;
                }
            }
        }

        boolean updateSecret(String id, String secretHash, String expectedSecretHash) throws SQLException {
            return inTransaction(() -> {
                try (PreparedStatement update = connection.prepareStatement("UPDATE clients SET secret_hash = ?, "
                        + "previous_secret_hash = ?, previous_secret_expires_at = ? WHERE client_id = ? AND secret_hash = ?")) {
                    update.setString(1, secretHash);
                    update.setString(2, null);
                    update.setNull(3, Types.BIGINT);
                    update.setString(4, id);
                    update.setString(5, expectedSecretHash);
                    boolean updated = update.executeUpdate() == 1;
                    if (updated) {
                        appendChange("CLIENT", id);
                    }
                    return updated;
                }
            });
        }

        boolean deleteClient(String id) throws SQLException {
            return inTransaction(() -> {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM clients WHERE client_id = ?")) {
                    delete.setString(1, id);
                    boolean deleted = delete.executeUpdate() == 1;
                    if (deleted) {
                        appendChange("CLIENT", id);
                    }
                    return deleted;
                }
            });
        }

        void insertApiKey(String id, String keyHash, String name) throws SQLException {
            inTransaction(() -> {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO api_keys (id, key_hash, name, created_at) VALUES (?, ?, ?, ?)")) {
                    insert.setString(1, id);
                    insert.setString(2, keyHash);
                    insert.setString(3, name);
                    insert.setLong(4, Instant.now().toEpochMilli());
                    insert.executeUpdate();
                }
                appendChange("API_KEYS", id);
                return true;
            });
        }

        /** Every key, as the old release loads them: id → hash, with no role to read. */
        Map<String, String> apiKeyHashes() throws SQLException {
            Map<String, String> keys = new LinkedHashMap<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, key_hash, name, created_at FROM api_keys ORDER BY created_at, id");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    keys.put(rows.getString("id"), rows.getString("key_hash"));
                }
            }
            return keys;
        }

        boolean deleteApiKey(String id) throws SQLException {
            return inTransaction(() -> {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM api_keys WHERE id = ?")) {
                    delete.setString(1, id);
                    boolean deleted = delete.executeUpdate() == 1;
                    if (deleted) {
                        appendChange("API_KEYS", id);
                    }
                    return deleted;
                }
            });
        }

        private void appendChange(String kind, String subject) throws SQLException {
            try (PreparedStatement next = connection.prepareStatement(
                    "UPDATE change_log_sequence SET last_seq = last_seq + 1")) {
                next.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO change_log (seq, kind, subject, "
                    + "expires_at) SELECT last_seq, ?, ?, ? FROM change_log_sequence")) {
                insert.setString(1, kind);
                insert.setString(2, subject);
                insert.setNull(3, Types.BIGINT);
                insert.executeUpdate();
            }
        }

        private boolean inTransaction(SqlWork work) throws SQLException {
            connection.setAutoCommit(false);
            try {
                boolean result = work.run();
                connection.commit();
                return result;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /** The first release's (schema 3, commit 80b1735) statements on the change log, which V4 replaced. */
    private record SchemaThreeRelease(Connection connection) {
        void appendChange(String kind, String subject) throws SQLException {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO change_log (id, kind, subject, expires_at, created_at) VALUES (?, ?, ?, ?, ?)")) {
                insert.setString(1, UUID.randomUUID().toString());
                insert.setString(2, kind);
                insert.setString(3, subject);
                insert.setNull(4, Types.BIGINT);
                insert.setLong(5, Instant.now().toEpochMilli());
                insert.executeUpdate();
            }
        }

        int changesSince(long createdAt) throws SQLException {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, kind, subject, expires_at, created_at FROM change_log WHERE created_at >= ? "
                            + "ORDER BY created_at, id")) {
                select.setLong(1, createdAt);
                List<String> ids = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getString("id"));
                    }
                }
                return ids.size();
            }
        }
    }

    private interface SqlWork {
        boolean run() throws SQLException;
    }

    private static JsonNode json(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return TestServer.json(response);
    }

    private static String masterKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** Awaits {@code condition}, failing if it does not hold within {@code bound} of now. */
    private static void assertWithin(Duration bound, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(bound);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("the condition held within %s", bound).isBefore(deadline);
            Thread.onSpinWait();
        }
    }
}
