package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * API-key roles over real HTTP: a {@code verifier} key, what a protected API holds, reads the
 * access-token verification keys and introspects, and is refused 403 {@code forbidden} on
 * everything that creates, deletes, rotates or lists; an {@code admin} key still does everything.
 */
class ApiKeyRolesTest {
    private static TestServer server;
    private static String verifierKey;
    private static String verifierId;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        HttpResponse<String> created = server.admin("POST", "/admin/api-keys", "{\"name\":\"orders-api\",\"role\":\"verifier\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode body = TestServer.json(created);
        assertThat(body.get("role").asText()).isEqualTo("verifier");
        verifierKey = body.get("apiKey").asText();
        verifierId = body.get("id").asText();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aVerifierKeyReadsTheSharedKeysThatVerifyIssuedTokens() throws Exception {
        String token = server.token(server.createClient("TestSystem")).get("access_token").asText();

        HttpResponse<String> response = server.get("/admin/keys/access-token", "X-API-Key", verifierKey);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        SignedJWT jwt = SignedJWT.parse(token);
        OctetSequenceKey key = (OctetSequenceKey) JWKSet.parse(response.body()).getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(jwt.verify(new MACVerifier(key))).isTrue();
    }

    @Test
    void aVerifierKeyMayIntrospect() {
        String token = server.token(server.createClient("TestSystem")).get("access_token").asText();

        HttpResponse<String> response = server.postForm("/oauth2/introspect", Map.of("token", token),
                "X-API-Key", verifierKey);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(TestServer.json(response).get("active").asBoolean()).isTrue();
    }

    @Test
    void aVerifierKeyIsForbiddenEverythingElseAndChangesNothing() {
        TestServer.Credentials client = server.createClient("TestSystem");
        String id = client.clientId();
        List<HttpResponse<String>> responses = List.of(
                server.get("/admin/clients", "X-API-Key", verifierKey),
                server.get("/admin/clients/" + id, "X-API-Key", verifierKey),
                server.postJson("/admin/clients", "{\"partnerId\":\"Acme\"}", "X-API-Key", verifierKey),
                server.delete("/admin/clients/" + id, "X-API-Key", verifierKey),
                server.postJson("/admin/clients/" + id + "/secret", "{}", "X-API-Key", verifierKey),
                server.get("/admin/api-keys", "X-API-Key", verifierKey),
                server.postJson("/admin/api-keys", "{\"role\":\"admin\"}", "X-API-Key", verifierKey),
                server.delete("/admin/api-keys/" + verifierId, "X-API-Key", verifierKey),
                server.postJson("/admin/keys/rotate", "{}", "X-API-Key", verifierKey),
                server.get("/admin/audit", "X-API-Key", verifierKey),
                server.pipeline(Map.of("partnerId", "Acme", "executionType", "create", "apikey", verifierKey)),
                server.pipeline(Map.of("clientId", id, "executionType", "delete", "apikey", verifierKey)));

        for (HttpResponse<String> response : responses) {
            assertThat(response.statusCode()).as(response.uri() + " " + response.body()).isEqualTo(403);
            JsonNode body = TestServer.json(response);
            assertThat(body.get("error").asText()).isEqualTo("forbidden");
            assertThat(body.get("code").asInt()).isEqualTo(403);
            assertThat(body.get("message").asText()).contains("verifier", "admin");
            assertThat(response.body()).doesNotContain(verifierKey);
        }
        // Nothing happened: the client still works, the verifier key is still there, no key was made.
        assertThat(server.token(client).get("access_token").asText()).isNotBlank();
        assertThat(server.admin("GET", "/admin/clients/" + id, null).statusCode()).isEqualTo(200);
        assertThat(server.get("/admin/keys/access-token", "X-API-Key", verifierKey).statusCode()).isEqualTo(200);
    }

    @Test
    void aForbiddenCallIsNotAFailedAttemptTheLimiterCounts() {
        try (TestServer limited = TestServer.start(config -> config.authFailureBurst(3).authFailurePerMinute(1))) {
            HttpResponse<String> created = limited.admin("POST", "/admin/api-keys", "{\"role\":\"verifier\"}");
            String key = TestServer.json(created).get("apiKey").asText();

            for (int i = 0; i < 20; i++) {
                assertThat(limited.get("/admin/clients", "X-API-Key", key).statusCode()).isEqualTo(403);
            }

            assertThat(limited.get("/admin/keys/access-token", "X-API-Key", key).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anAdminKeyStillDoesEverything() {
        HttpResponse<String> created = server.admin("POST", "/admin/api-keys", "{\"name\":\"ops\"}");
        assertThat(TestServer.json(created).get("role").asText()).isEqualTo("admin");
        String admin = TestServer.json(created).get("apiKey").asText();

        assertThat(server.get("/admin/keys/access-token", "X-API-Key", admin).statusCode()).isEqualTo(200);
        assertThat(server.get("/admin/clients", "X-API-Key", admin).statusCode()).isEqualTo(200);
        assertThat(server.get("/admin/audit", "X-API-Key", admin).statusCode()).isEqualTo(200);
        assertThat(server.get("/admin/api-keys", "X-API-Key", admin).statusCode()).isEqualTo(200);
        HttpResponse<String> made = server.pipeline(Map.of("partnerId", "Acme", "executionType", "create", "apikey", admin));
        assertThat(made.statusCode()).as(made.body()).isEqualTo(200);
        String clientId = TestServer.json(made).get("clientId").asText();
        assertThat(server.pipeline(Map.of("clientId", clientId, "executionType", "delete", "apikey", admin))
                .statusCode()).isEqualTo(200);
        assertThat(server.postJson("/admin/keys/rotate", "{}", "X-API-Key", admin).statusCode()).isEqualTo(200);
    }

    @Test
    void theListShowsEachKeysRoleAndTheConfiguredKeyIsAnAdminKey() {
        JsonNode listed = TestServer.json(server.admin("GET", "/admin/api-keys", null));

        Map<String, String> roles = new java.util.HashMap<>();
        listed.get("apiKeys").forEach(key -> roles.put(key.get("id").asText(), key.get("role").asText()));
        assertThat(roles).containsEntry("configured", "admin").containsEntry(verifierId, "verifier");
    }

    @Test
    void aRoleOtherThanAdminOrVerifierIsABadRequest() {
        for (String body : List.of("{\"role\":\"root\"}", "{\"role\":\"Admin\"}", "{\"role\":\"\"}", "{\"role\":1}")) {
            HttpResponse<String> response = server.admin("POST", "/admin/api-keys", body);

            assertThat(response.statusCode()).as(body + " " + response.body()).isEqualTo(400);
            assertThat(TestServer.json(response).get("error").asText()).isEqualTo("invalid_request");
        }
    }
}
