package io.latchkey.server;

import static io.latchkey.server.OAuthRequests.assertPipelineError;
import static io.latchkey.server.OAuthRequests.isActive;
import static io.latchkey.server.OAuthRequests.pipelineRefresh;
import static io.latchkey.server.OAuthRequests.pipelineTokens;
import static io.latchkey.server.OAuthRequests.refreshed;
import static io.latchkey.server.OAuthRequests.revoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.latchkey.server.OAuthRequests.Tokens;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §5: nothing acknowledged is lost. What answered 2xx survives a restart and a
 * {@code kill -9}, and the server starts again cleanly on the same data.
 */
class PersistenceTest {
    /**
     * The default issuer is {@code http://localhost:<port>}, and these servers bind a random port
     * that changes on restart; a fixed issuer keeps tokens minted before a restart valid after it.
     */
    private static final String ISSUER = "http://latchkey.test";

    @Test
    void everythingAcknowledgedSurvivesARestart() {
        try (TestServer server = TestServer.start(config -> config.issuer(ISSUER))) {
            TestServer.Credentials client = server.createClient("DurablePartner", "orders:read");
            HttpResponse<String> createdKey = server.admin("POST", "/admin/api-keys", "{\"name\":\"ops\"}");
            assertThat(createdKey.statusCode()).as(createdKey.body()).isEqualTo(201);
            String apiKey = TestServer.json(createdKey).get("apiKey").asText();

            Tokens live = pipelineTokens(server, client);
            Tokens used = pipelineTokens(server, client);
            Tokens usedSuccessor = refreshed(server, used.refreshToken());
            Tokens reused = pipelineTokens(server, client);
            Tokens reusedSuccessor = refreshed(server, reused.refreshToken());
            assertPipelineError(pipelineRefresh(server, reused.refreshToken()), 400, "invalid_grant");
            Tokens revokedFamily = pipelineTokens(server, client);
            revoke(server, client, revokedFamily.refreshToken());
            Tokens revokedAccess = pipelineTokens(server, client);
            revoke(server, client, revokedAccess.accessToken());
            assertThat(isActive(server, revokedAccess.accessToken())).isFalse();

            server.restart();

            // The client and its secret.
            assertThat(isActive(server, server.token(client).get("access_token").asText())).isTrue();
            // The API key created through the admin API.
            HttpResponse<String> withNewKey = server.send(HttpRequest.newBuilder(
                    server.uri("/admin/clients?partnerId=DurablePartner")).header("X-API-Key", apiKey).GET().build());
            assertThat(withNewKey.statusCode()).as(withNewKey.body()).isEqualTo(200);
            assertThat(TestServer.json(withNewKey).get("clients")).hasSize(1);
            // The signing keys: tokens minted before the restart still verify.
            JsonNode introspected = OAuthRequests.introspect(server, live.accessToken());
            assertThat(introspected.get("active").asBoolean()).isTrue();
            assertThat(introspected.get("client_id").asText()).isEqualTo(client.clientId());
            assertThat(isActive(server, refreshed(server, live.refreshToken()).accessToken())).isTrue();
            // A refresh token consumed before the restart is still known as consumed: reuse is detected.
            assertThat(isActive(server, usedSuccessor.accessToken())).isTrue();
            assertPipelineError(pipelineRefresh(server, used.refreshToken()), 400, "invalid_grant");
            assertPipelineError(pipelineRefresh(server, usedSuccessor.refreshToken()), 400, "invalid_grant");
            assertThat(isActive(server, usedSuccessor.accessToken())).isFalse();
            // A family revoked by reuse before the restart stays revoked.
            assertPipelineError(pipelineRefresh(server, reusedSuccessor.refreshToken()), 400, "invalid_grant");
            assertThat(isActive(server, reusedSuccessor.accessToken())).isFalse();
            // A family revoked through RFC 7009 stays revoked.
            assertPipelineError(pipelineRefresh(server, revokedFamily.refreshToken()), 400, "invalid_grant");
            assertThat(isActive(server, revokedFamily.accessToken())).isFalse();
            // A revoked access token stays revoked; its family is untouched.
            assertThat(isActive(server, revokedAccess.accessToken())).isFalse();
            assertThat(isActive(server, refreshed(server, revokedAccess.refreshToken()).accessToken())).isTrue();
        }
    }

    @Test
    void aDeletedClientStaysDeletedAfterARestart() {
        try (TestServer server = TestServer.start(config -> config.issuer(ISSUER))) {
            TestServer.Credentials client = server.createClient("DeletedPartner");
            Tokens tokens = pipelineTokens(server, client);
            assertThat(server.admin("DELETE", "/admin/clients/" + client.clientId(), null).statusCode()).isEqualTo(200);

            server.restart();

            assertPipelineError(server.pipeline(Map.of("username", client.clientId(), "password", client.secret(),
                    "grant_type", "client_credentials")), 401, "invalid_client");
            assertPipelineError(pipelineRefresh(server, tokens.refreshToken()), 400, "invalid_grant");
            assertThat(isActive(server, tokens.accessToken())).isFalse();
        }
    }

    @Test
    void tokensSignedBeforeAKeyRotationStillVerifyAfterARestart() {
        try (TestServer server = TestServer.start(config -> config.issuer(ISSUER))) {
            TestServer.Credentials client = server.createClient("RotatingPartner");
            Tokens beforeRotation = pipelineTokens(server, client);
            HttpResponse<String> rotated = server.admin("POST", "/admin/keys/rotate", null);
            assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
            Tokens afterRotation = pipelineTokens(server, client);

            server.restart();

            assertThat(isActive(server, beforeRotation.accessToken())).isTrue();
            assertThat(isActive(server, afterRotation.accessToken())).isTrue();
            assertThat(isActive(server, refreshed(server, beforeRotation.refreshToken()).accessToken())).isTrue();
            assertThat(isActive(server, refreshed(server, afterRotation.refreshToken()).accessToken())).isTrue();
        }
    }

    @Test
    void theGeneratedMasterKeyFileIsReadableByItsOwnerOnly() throws Exception {
        try (TestServer server = TestServer.start()) {
            Path masterKey = server.dataDir().resolve("master.key");

            assertThat(masterKey).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(masterKey))).isEqualTo("rw-------");
        }
    }

    @Test
    @Tag("sqlite-only") // the process runs on the embedded store, whichever store the suite targets
    void whatWasAcknowledgedRightBeforeAKillDashNineIsThereAfterTheRestart(@TempDir Path dataDir) throws Exception {
        TestServer.Credentials earlier;
        Tokens used;
        Tokens successor;
        TestServer.Credentials last;
        try (ServerProcess first = ServerProcess.start(dataDir, TestServer.ADMIN_KEY, "--issuer", ISSUER)) {
            earlier = createClient(first);
            used = Tokens.of(TestServer.json(tokenRequest(first, earlier)));
            HttpResponse<String> refresh = refreshRequest(first, used.refreshToken());
            assertThat(refresh.statusCode()).as(refresh.body()).isEqualTo(200);
            successor = Tokens.of(TestServer.json(refresh));

            HttpResponse<String> created = first.post("/admin/clients", "application/json",
                    "{\"partnerId\":\"KilledPartner\"}", "X-API-Key", TestServer.ADMIN_KEY);
            first.kill(); // at once after the 201: nothing gets a chance to flush or close
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            last = credentials(TestServer.json(created));
        }

        try (ServerProcess second = ServerProcess.start(dataDir, TestServer.ADMIN_KEY, "--issuer", ISSUER)) {
            HttpResponse<String> token = tokenRequest(second, last);
            assertThat(token.statusCode()).as(token.body() + "\n" + second.stderr()).isEqualTo(200);
            assertThat(tokenRequest(second, earlier).statusCode()).isEqualTo(200);

            // The refresh acknowledged before the kill consumed its token on disk: presenting it again is reuse.
            assertPipelineError(refreshRequest(second, used.refreshToken()), 400, "invalid_grant");
            assertPipelineError(refreshRequest(second, successor.refreshToken()), 400, "invalid_grant");
        }
    }

    private static TestServer.Credentials createClient(ServerProcess server) {
        HttpResponse<String> created = server.post("/admin/clients", "application/json",
                "{\"partnerId\":\"KilledPartner\"}", "X-API-Key", TestServer.ADMIN_KEY);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return credentials(TestServer.json(created));
    }

    private static TestServer.Credentials credentials(JsonNode created) {
        return new TestServer.Credentials(created.get("clientId").asText(), created.get("clientSecret").asText());
    }

    private static HttpResponse<String> refreshRequest(ServerProcess server, String refreshToken) {
        return server.post("/pipeline/oauth2", "application/json",
                TestServer.write(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken)));
    }

    private static HttpResponse<String> tokenRequest(ServerProcess server, TestServer.Credentials client) {
        return server.post("/oauth2/token", "application/x-www-form-urlencoded", "grant_type=client_credentials",
                "Authorization", client.basic());
    }
}
