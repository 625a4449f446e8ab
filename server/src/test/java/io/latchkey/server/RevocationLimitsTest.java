package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.latchkey.server.OAuthRequests.Tokens;
import io.latchkey.server.TestServer.Credentials;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Revocations cost memory on every instance only while a token they cover can live, and a client
 * can make only so many of them (issue 14, finding 5). Memory is read from {@code /metrics}.
 */
class RevocationLimitsTest {
    private static final int PER_MINUTE = 3;
    /** The default access-token lifetime, and the margin a revoked family is remembered beyond it. */
    private static final Duration FAMILY_REMEMBERED = Duration.ofHours(1).plusMinutes(5);

    private TestServer server;

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void revocationsLeaveMemoryOnceTheTokensTheyCoverHaveExpiredAndStillHoldInTheStore() {
        server = TestServer.start();
        Credentials client = server.createClient("acme");
        Tokens tokens = Tokens.of(server.token(client));
        Tokens other = Tokens.of(server.token(client));
        OAuthRequests.revoke(server, client, tokens.accessToken());
        OAuthRequests.revoke(server, client, other.refreshToken());
        assertThat(remembered()).isEqualTo(2);

        server.clock().advance(Duration.ofHours(1)); // the revoked access token's exp
        server.server().housekeep();
        assertThat(remembered()).isEqualTo(1);

        server.clock().advance(FAMILY_REMEMBERED.minus(Duration.ofHours(1)));
        server.server().housekeep();
        assertThat(remembered()).isZero();
        assertThat(memoryBytes()).isLessThan(200_000); // the empty tables

        // The family's refresh token lives 30 days; the store still says it is revoked.
        assertThat(OAuthRequests.isActive(server, other.refreshToken())).isFalse();
        HttpResponse<String> refreshed = server.postForm("/oauth2/token",
                Map.of("grant_type", "refresh_token", "refresh_token", other.refreshToken()),
                "Authorization", client.basic());
        assertThat(refreshed.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(refreshed).get("error").asText()).isEqualTo("invalid_grant");
        assertThat(remembered()).isZero();
    }

    @Test
    void aClientRevokingFasterThanItsRateIsAnswered429WithRetryAfterAndOthersAreNot() {
        server = TestServer.start(config -> config.revocationsPerMinute(PER_MINUTE));
        Credentials client = server.createClient("acme");
        Credentials neighbour = server.createClient("acme");
        for (int i = 0; i < PER_MINUTE; i++) {
            OAuthRequests.revoke(server, client, Tokens.of(server.token(client)).accessToken());
        }

        String spared = Tokens.of(server.token(client)).accessToken();
        HttpResponse<String> refused = server.postForm("/oauth2/revoke", Map.of("token", spared),
                "Authorization", client.basic());

        assertThat(refused.statusCode()).isEqualTo(429);
        JsonNode body = TestServer.json(refused);
        assertThat(body.get("error").asText()).isEqualTo("too_many_requests");
        assertThat(body.get("error_description").asText()).startsWith("Too many revocations from this client");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("21"); // 3 a minute: one per 20 s
        assertThat(OAuthRequests.isActive(server, spared)).isTrue();
        assertThat(remembered()).isEqualTo(PER_MINUTE);
        OAuthRequests.revoke(server, neighbour, Tokens.of(server.token(neighbour)).accessToken());

        server.clock().advance(Duration.ofSeconds(20));
        OAuthRequests.revoke(server, client, spared);
        assertThat(OAuthRequests.isActive(server, spared)).isFalse();
    }

    private long remembered() {
        return (long) metrics().value("latchkey_revocations_remembered");
    }

    private long memoryBytes() {
        return (long) metrics().value("latchkey_revocations_memory_bytes");
    }

    private PrometheusText metrics() {
        return PrometheusText.parse(server.get("/metrics").body());
    }
}
