package io.latchkey.server;

import static io.latchkey.server.MultiInstanceTest.assertWithin;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.OAuthRequests.Tokens;
import io.latchkey.server.TestServer.Credentials;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An instance that cannot read the change log can no longer know what other instances change, so
 * it stops trusting everything it caches (issue 14, finding 7): here the log is unreadable while
 * the rest of the store is not, and "another instance" changes the store behind its back.
 */
class StaleCachesTest {
    private static final Duration BOUND = Duration.ofSeconds(5);

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anInstanceThatCannotReadTheChangeLogDropsItsClientsApiKeysAndTrustInItsRevocations() throws Exception {
        Credentials deleted = server.createClient("acme");
        Credentials kept = server.createClient("acme");
        assertThat(tokenStatus(deleted)).isEqualTo(200); // cached
        String accessToken = Tokens.of(server.token(kept)).accessToken();
        assertThat(OAuthRequests.isActive(server, accessToken)).isTrue();
        HttpResponse<String> created = server.admin("POST", "/admin/api-keys", "{\"name\":\"ops\"}");
        String apiKey = TestServer.json(created).get("apiKey").asText();
        String apiKeyId = TestServer.json(created).get("id").asText();
        assertThat(server.get("/admin/clients", "X-API-Key", apiKey).statusCode()).isEqualTo(200);

        sql("ALTER TABLE change_log RENAME TO change_log_away");
        server.server().pollChanges();
        assertThat(server.get("/health/ready").statusCode()).isEqualTo(503);
        // What other instances do now never reaches the log this instance cannot read.
        sql("DELETE FROM clients WHERE client_id = ?", deleted.clientId());
        sql("DELETE FROM api_keys WHERE id = ?", apiKeyId);
        sql("INSERT INTO revoked_access_tokens (jti, client_id, expires_at) VALUES (?, ?, ?)",
                jti(accessToken), kept.clientId(), System.currentTimeMillis() + 3_600_000);

        assertThat(tokenStatus(deleted)).isEqualTo(401);
        assertThat(server.get("/admin/clients", "X-API-Key", apiKey).statusCode()).isEqualTo(503);
        assertThat(OAuthRequests.isActive(server, accessToken)).isFalse();
        assertThat(tokenStatus(kept)).isEqualTo(200);
        assertThat(server.get("/admin/clients", "X-API-Key", TestServer.ADMIN_KEY).statusCode()).isEqualTo(200);

        sql("ALTER TABLE change_log_away RENAME TO change_log");
        assertWithin(BOUND, () -> server.get("/health/ready").statusCode() == 200);
        assertThat(OAuthRequests.isActive(server, accessToken)).isFalse(); // reloaded into memory
        assertThat(server.get("/admin/clients", "X-API-Key", apiKey).statusCode()).isEqualTo(401);
    }

    private int tokenStatus(Credentials client) {
        return server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                "Authorization", client.basic()).statusCode();
    }

    private void sql(String statement, Object... parameters) throws SQLException {
        try (Connection connection = DriverManager.getConnection(server.storeUrl(), "postgres", null);
             PreparedStatement run = connection.prepareStatement(statement)) {
            for (int i = 0; i < parameters.length; i++) {
                run.setObject(i + 1, parameters[i]);
            }
            run.execute();
        }
    }

    private static String jti(String jwt) throws java.text.ParseException {
        return com.nimbusds.jwt.SignedJWT.parse(jwt).getJWTClaimsSet().getJWTID();
    }
}
