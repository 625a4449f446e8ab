package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.latchkey.server.TestServer.Credentials;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SPEC §10, usage and quotas: {@code GET /admin/clients/{id}/usage} answers the access tokens of
 * the last hour and day; {@code tokensPerHour} caps them with 429 {@code too_many_requests} and
 * {@code Retry-After}. Counts reach the store every few seconds; the tests fold them at once.
 */
class UsageQuotaTest {
    @RegisterExtension
    final TestServer server = TestServer.extension();

    @Test
    void usageAnswersTheAccessTokensOfTheLastHourAndDay() {
        Credentials client = server.createClient("acme");
        server.token(client);
        server.token(client);
        assertThat(usage(client)).isEqualTo(List.of(2L, 2L)); // counted in memory, not yet in the store
        server.server().foldUsage();
        String refreshToken = server.token(client).get("refresh_token").asText();
        HttpResponse<String> refreshed = server.postForm("/oauth2/token",
                Map.of("grant_type", "refresh_token", "refresh_token", refreshToken), "Authorization", client.basic());
        assertThat(refreshed.statusCode()).isEqualTo(200);
        server.server().foldUsage();
        assertThat(usage(client)).isEqualTo(List.of(4L, 4L));

        server.clock().advance(Duration.ofHours(2));
        assertThat(usage(client)).isEqualTo(List.of(0L, 4L));
        server.clock().advance(Duration.ofDays(1));
        assertThat(usage(client)).isEqualTo(List.of(0L, 0L));
    }

    @Test
    void usageCountsThePipelinesTokensAndSurvivesARestart() {
        Credentials client = server.createClient("acme");
        HttpResponse<String> pipeline = server.pipeline(Map.of("username", client.clientId(),
                "password", client.secret(), "grant_type", "client_credentials"));
        assertThat(pipeline.statusCode()).isEqualTo(200);

        server.restart(); // a stop folds what it counted

        assertThat(usage(client)).isEqualTo(List.of(1L, 1L));
    }

    @Test
    void tokensPerHourCapsIssuanceWith429AndRetryAfter() {
        Credentials client = create("{\"partnerId\":\"acme\",\"tokensPerHour\":2}");
        server.token(client);
        server.token(client);

        HttpResponse<String> refused = tokenRequest(client);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(TestServer.json(refused).get("error").asText()).isEqualTo("too_many_requests");
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 3600L);
        HttpResponse<String> pipeline = server.pipeline(Map.of("username", client.clientId(),
                "password", client.secret(), "grant_type", "client_credentials"));
        assertThat(pipeline.statusCode()).isEqualTo(429);
        assertThat(TestServer.json(pipeline).get("code").asInt()).isEqualTo(429);
        assertThat(TestServer.json(pipeline).get("error").asText()).isEqualTo("too_many_requests");
        assertThat(pipeline.headers().firstValue("Retry-After")).isPresent();
        JsonNode usage = TestServer.json(server.admin("GET", "/admin/clients/" + client.clientId() + "/usage", null));
        assertThat(usage.get("lastHour").asLong()).isEqualTo(2);
        assertThat(usage.get("tokensPerHour").asLong()).isEqualTo(2);

        server.server().foldUsage();
        server.clock().advance(Duration.ofSeconds(retryAfter));
        server.server().foldUsage();
        assertThat(tokenRequest(client).statusCode()).isEqualTo(200);
    }

    @Test
    void aRefreshRefusedByTheQuotaKeepsItsRefreshTokenUsable() {
        Credentials client = create("{\"partnerId\":\"acme\",\"tokensPerHour\":1}");
        String refreshToken = server.token(client).get("refresh_token").asText();

        HttpResponse<String> refused = refresh(client, refreshToken);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();

        server.server().foldUsage();
        server.clock().advance(Duration.ofMinutes(61));
        server.server().foldUsage();
        assertThat(refresh(client, refreshToken).statusCode()).isEqualTo(200);
    }

    @Test
    void patchSetsAndDropsTheCap() {
        Credentials client = server.createClient("acme");
        server.token(client);

        HttpResponse<String> capped = server.admin("PATCH", "/admin/clients/" + client.clientId(),
                "{\"tokensPerHour\":1}");
        assertThat(TestServer.json(capped).get("tokensPerHour").asLong()).isEqualTo(1);
        assertThat(tokenRequest(client).statusCode()).isEqualTo(429);

        HttpResponse<String> uncapped = server.admin("PATCH", "/admin/clients/" + client.clientId(),
                "{\"tokensPerHour\":null}");
        assertThat(TestServer.json(uncapped).has("tokensPerHour")).isFalse();
        assertThat(tokenRequest(client).statusCode()).isEqualTo(200);
    }

    @Test
    void aQuotaOfZeroOrLessOrNotANumberIsA400() {
        Credentials client = server.createClient("acme");
        for (String quota : List.of("0", "-5", "\"ten\"", "1.5", "10000000000000")) {
            HttpResponse<String> create = server.admin("POST", "/admin/clients",
                    "{\"partnerId\":\"acme\",\"tokensPerHour\":" + quota + "}");
            HttpResponse<String> patch = server.admin("PATCH", "/admin/clients/" + client.clientId(),
                    "{\"tokensPerHour\":" + quota + "}");
            for (HttpResponse<String> response : List.of(create, patch)) {
                assertThat(response.statusCode()).as(quota).isEqualTo(400);
                assertThat(TestServer.json(response).get("error").asText()).isEqualTo("invalid_request");
                assertThat(TestServer.json(response).get("message").asText()).contains("tokensPerHour");
            }
        }
    }

    @Test
    void theUsageOfAnUnknownClientIs404() {
        HttpResponse<String> response = server.admin("GET", "/admin/clients/unknownclientid12345/usage", null);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(TestServer.json(response).get("error").asText()).isEqualTo("not_found");
    }

    private Credentials create(String json) {
        HttpResponse<String> response = server.admin("POST", "/admin/clients", json);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode body = TestServer.json(response);
        return new Credentials(body.get("clientId").asText(), body.get("clientSecret").asText());
    }

    private HttpResponse<String> tokenRequest(Credentials client) {
        return server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                "Authorization", client.basic());
    }

    private HttpResponse<String> refresh(Credentials client, String refreshToken) {
        return server.postForm("/oauth2/token", Map.of("grant_type", "refresh_token", "refresh_token", refreshToken),
                "Authorization", client.basic());
    }

    private List<Long> usage(Credentials client) {
        JsonNode usage = TestServer.json(server.admin("GET", "/admin/clients/" + client.clientId() + "/usage", null));
        return List.of(usage.get("lastHour").asLong(), usage.get("lastDay").asLong());
    }
}
