package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Map;

/** The token flows the guarantee tests repeat, each one HTTP request to a {@link TestServer}. */
final class OAuthRequests {
    private OAuthRequests() {
    }

    /** Token retrieval on the pipeline endpoint (SPEC §2); fails the test unless it answers 200. */
    static Tokens pipelineTokens(TestServer server, TestServer.Credentials client) {
        HttpResponse<String> response = server.pipeline(Map.of(
                "username", client.clientId(), "password", client.secret(), "grant_type", "client_credentials"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Tokens.of(TestServer.json(response));
    }

    /** Token refresh on the pipeline endpoint (SPEC §2), whatever it answers. */
    static HttpResponse<String> pipelineRefresh(TestServer server, String refreshToken) {
        return server.pipeline(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
    }

    /** A refresh that must succeed; the new pair. */
    static Tokens refreshed(TestServer server, String refreshToken) {
        HttpResponse<String> response = pipelineRefresh(server, refreshToken);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Tokens.of(TestServer.json(response));
    }

    /** RFC 7662 introspection with the admin API key; the parsed answer. */
    static JsonNode introspect(TestServer server, String token) {
        HttpResponse<String> response = server.postForm("/oauth2/introspect", Map.of("token", token),
                "X-API-Key", TestServer.ADMIN_KEY);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestServer.json(response);
    }

    static boolean isActive(TestServer server, String token) {
        JsonNode answer = introspect(server, token);
        if (!answer.get("active").asBoolean()) {
            // RFC 7662 §2.2: an inactive token reveals nothing else.
            assertThat(answer.size()).as(answer.toString()).isEqualTo(1);
        }
        return answer.get("active").asBoolean();
    }

    /** RFC 7009 revocation by the token's client, which answers 200 whatever the token. */
    static void revoke(TestServer server, TestServer.Credentials client, String token) {
        HttpResponse<String> response = server.postForm("/oauth2/revoke", Map.of("token", token),
                "Authorization", client.basic());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    /** Asserts a pipeline error response: HTTP status = {@code code}, and the machine {@code error}. */
    static void assertPipelineError(HttpResponse<String> response, int status, String error) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = TestServer.json(response);
        assertThat(body.get("code").asInt()).as(response.body()).isEqualTo(status);
        assertThat(body.get("error").asText()).as(response.body()).isEqualTo(error);
    }

    /** An access token and the refresh token that renews it. */
    record Tokens(String accessToken, String refreshToken) {
        static Tokens of(JsonNode response) {
            return new Tokens(response.get("access_token").asText(), response.get("refresh_token").asText());
        }
    }
}
