package io.latchkey.server;

import static io.latchkey.server.MultiInstanceTest.assertWithin;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.latchkey.server.TestServer.Credentials;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The append-only audit log and {@code GET /admin/audit}. */
class AuditLogTest {
    @RegisterExtension
    final TestServer server = TestServer.extension(config -> config.authFailureBurst(3).authFailurePerMinute(1));

    @Test
    void everyCredentialAndKeyChangeIsRecordedWithItsActorAndSourceButNoSecret() {
        Credentials client = server.createClient("acme");
        HttpResponse<String> rotated = server.admin("POST", "/admin/clients/" + client.clientId() + "/secret",
                "{\"graceSeconds\":60}");
        HttpResponse<String> apiKey = server.admin("POST", "/admin/api-keys", "{\"name\":\"ops\"}");
        String apiKeyId = TestServer.json(apiKey).get("id").asText();
        server.admin("DELETE", "/admin/api-keys/" + apiKeyId, null);
        server.admin("POST", "/admin/keys/rotate", null);
        server.pipeline(Map.of("clientId", client.clientId(), "executionType", "delete", "apikey", TestServer.ADMIN_KEY));

        JsonNode events = audit("").get("events");
        assertThat(actions(events)).containsExactly("client.deleted", "signing_keys.rotated", "api_key.deleted",
                "api_key.created", "client.secret_rotated", "client.created");
        for (JsonNode event : events) {
            assertThat(event.get("actor").asText()).isEqualTo("apikey:configured");
            assertThat(event.get("source").asText()).isEqualTo("127.0.0.1");
        }
        assertThat(events.get(0).get("clientId").asText()).isEqualTo(client.clientId());
        String body = server.admin("GET", "/admin/audit", null).body();
        assertThat(body).doesNotContain(client.secret(), TestServer.json(rotated).get("clientSecret").asText(),
                TestServer.json(apiKey).get("apiKey").asText(), TestServer.ADMIN_KEY);
    }

    @Test
    void refreshTokenReuseIsRecorded() {
        Credentials client = server.createClient("acme");
        String refreshToken = server.token(client).get("refresh_token").asText();
        server.pipeline(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
        server.pipeline(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));

        JsonNode events = audit("?action=refresh_token.reuse_detected").get("events");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).get("clientId").asText()).isEqualTo(client.clientId());
        assertThat(events.get(0).get("actor").asText()).isEqualTo("client:" + client.clientId());
    }

    @Test
    void aRateLimitLockIsRecordedOnce() {
        Credentials guess = new Credentials(server.createClient("acme").clientId(), "wrong");
        for (int i = 0; i < 10; i++) {
            server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"), "Authorization", guess.basic());
        }

        assertWithin(Duration.ofSeconds(5),
                () -> audit("?action=rate_limit.locked").get("events").size() == 1);
        JsonNode lock = audit("?action=rate_limit.locked").get("events").get(0);
        assertThat(lock.get("clientId").asText()).isEqualTo(guess.clientId());
        assertThat(lock.get("source").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void eventsAreFilteredByClientAndPagedNewestFirst() {
        Credentials first = server.createClient("acme");
        Credentials second = server.createClient("acme");
        for (int i = 0; i < 3; i++) {
            server.admin("POST", "/admin/clients/" + second.clientId() + "/secret", null);
        }

        assertThat(audit("?clientId=" + first.clientId()).get("events")).hasSize(1);
        List<String> seen = new ArrayList<>();
        JsonNode page = audit("?clientId=" + second.clientId() + "&limit=2");
        seen.addAll(actions(page.get("events")));
        assertThat(page.has("next")).isTrue();
        page = audit("?clientId=" + second.clientId() + "&limit=2&cursor=" + page.get("next").asText());
        seen.addAll(actions(page.get("events")));

        assertThat(seen).containsExactly("client.secret_rotated", "client.secret_rotated", "client.secret_rotated",
                "client.created");
    }

    @Test
    void badQueriesAreRefusedAndTheLogNeedsAnApiKey() {
        for (String query : List.of("?action=nope", "?limit=0", "?limit=x", "?since=yesterday", "?cursor=%25%25",
                "?cursor=bm90LWEtY3Vyc29y",
                // Instant.parse takes these, but no millisecond column holds them (they answered 500).
                "?since=%2B300000000-01-01T00:00:00Z", "?until=-000001-01-01T00:00:00Z")) {
            HttpResponse<String> response = server.admin("GET", "/admin/audit" + query, null);
            assertThat(response.statusCode()).as(query).isEqualTo(400);
            assertThat(TestServer.json(response).get("error").asText()).isEqualTo("invalid_request");
        }
        assertThat(server.get("/admin/audit").statusCode()).isEqualTo(401);
    }

    private JsonNode audit(String query) {
        HttpResponse<String> response = server.admin("GET", "/admin/audit" + query, null);
        assertThat(response.statusCode()).isEqualTo(200);
        return TestServer.json(response);
    }

    private static List<String> actions(JsonNode events) {
        List<String> actions = new ArrayList<>();
        events.forEach(event -> actions.add(event.get("action").asText()));
        return actions;
    }
}
