package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.latchkey.server.TestServer.Credentials;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failed authentication is rate limited per credential and source address (SPEC §2's 429 row);
 * behind a trusted proxy the address comes from {@code X-Forwarded-For}.
 */
class RateLimitTest {
    private static final int BURST = 5;
    private static final String ATTACKER = "203.0.113.7";
    private static final String PARTNER = "198.51.100.9";
    private static final String METRICS_TOKEN = "metrics-token-0123456789abcdef";

    @RegisterExtension
    final TestServer server = TestServer.extension(config -> config.authFailureBurst(BURST).authFailurePerMinute(6)
                .trustedProxies(Set.of("127.0.0.1")).metricsToken(METRICS_TOKEN));

    @Test
    void aThousandWrongSecretsAreRefusedWith429AfterTheBurstWhileTheRightSecretWorksFromElsewhere() {
        Credentials client = server.createClient("acme");
        Credentials guess = new Credentials(client.clientId(), "wrong-secret");
        Map<Integer, Integer> statuses = new HashMap<>();
        HttpResponse<String> last = null;
        for (int i = 0; i < 1_000; i++) {
            last = token(guess, ATTACKER);
            statuses.merge(last.statusCode(), 1, Integer::sum);
        }

        assertThat(statuses).containsExactlyInAnyOrderEntriesOf(Map.of(401, BURST, 429, 1_000 - BURST));
        assertThat(last.headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 60L));
        assertThat(TestServer.json(last).get("error").asText()).isEqualTo("too_many_requests");
        assertThat(token(client, PARTNER).statusCode()).isEqualTo(200);
        assertThat(token(client, ATTACKER).statusCode()).isEqualTo(429);
    }

    @Test
    void theLimitLiftsAsTheBucketRefills() {
        Credentials guess = new Credentials(server.createClient("acme").clientId(), "wrong-secret");
        for (int i = 0; i < BURST; i++) {
            assertThat(token(guess, ATTACKER).statusCode()).isEqualTo(401);
        }
        assertThat(token(guess, ATTACKER).statusCode()).isEqualTo(429);

        server.clock().advance(Duration.ofSeconds(11)); // 6 a minute: one failure regained

        assertThat(token(guess, ATTACKER).statusCode()).isEqualTo(401);
        assertThat(token(guess, ATTACKER).statusCode()).isEqualTo(429);
    }

    @Test
    void wrongAdminApiKeysAreRefusedWith429AfterTheBurstWhileTheRightKeyWorksFromElsewhere() {
        int refused = 0;
        for (int i = 0; i < 1_000; i++) {
            HttpResponse<String> response = server.get("/admin/clients", "X-API-Key", "guess-" + i,
                    "X-Forwarded-For", ATTACKER);
            if (response.statusCode() == 429) {
                refused++;
                assertThat(TestServer.json(response).get("code").asInt()).isEqualTo(429);
            } else {
                assertThat(response.statusCode()).isEqualTo(401);
            }
        }
        assertThat(refused).isEqualTo(1_000 - BURST);
        assertThat(server.get("/admin/clients", "X-API-Key", TestServer.ADMIN_KEY, "X-Forwarded-For", PARTNER)
                .statusCode()).isEqualTo(200);
    }

    @Test
    void wrongMetricsTokensAreRefusedWith429AfterTheBurstWhileTheRightTokenWorksFromElsewhere() {
        Map<Integer, Integer> statuses = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            HttpResponse<String> response = server.get("/metrics", "Authorization", "Bearer guess-" + i,
                    "X-Forwarded-For", ATTACKER);
            statuses.merge(response.statusCode(), 1, Integer::sum);
        }
        assertThat(statuses).containsExactlyInAnyOrderEntriesOf(Map.of(401, BURST, 429, 100 - BURST));
        assertThat(server.get("/metrics", "Authorization", "Bearer " + METRICS_TOKEN, "X-Forwarded-For", PARTNER)
                .statusCode()).isEqualTo(200);
        assertThat(server.get("/metrics", "Authorization", "Bearer " + METRICS_TOKEN, "X-Forwarded-For", ATTACKER)
                .statusCode()).isEqualTo(429);
    }

    @Test
    void forgedRefreshTokensCountAsFailuresOfTheirAddress() {
        for (int i = 0; i < BURST * 5; i++) {
            assertThat(pipelineRefresh("forged." + i + ".token", ATTACKER).statusCode()).isEqualTo(400);
        }
        HttpResponse<String> refused = pipelineRefresh("forged.again.token", ATTACKER);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(TestServer.json(refused).get("error").asText()).isEqualTo("too_many_requests");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void aLockedAddressRefusesOnlyAttemptsThatFailNeverAPartnerWithTheRightSecret() {
        // Behind an unlisted proxy every partner shares one address: one guesser locks it...
        Credentials partner = server.createClient("acme");
        for (int i = 0; i < BURST * 5; i++) {
            assertThat(pipelineRefresh("forged." + i + ".token", ATTACKER).statusCode()).isEqualTo(400);
        }
        assertThat(pipelineRefresh("forged.again.token", ATTACKER).statusCode()).isEqualTo(429);

        // ...but only failures are refused there: the right secret still gets its token.
        assertThat(token(partner, ATTACKER).statusCode()).isEqualTo(200);
        Credentials wrong = new Credentials(server.createClient("other").clientId(), "wrong-secret");
        HttpResponse<String> refused = token(wrong, ATTACKER);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void aWellBehavedClientIsNeverSlowed() {
        Credentials client = server.createClient("acme");
        for (int i = 0; i < 1_000; i++) {
            assertThat(token(client, PARTNER).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void xForwardedForIsIgnoredFromAnUntrustedPeer() {
        try (TestServer direct = TestServer.start(config -> config.authFailureBurst(BURST).authFailurePerMinute(6))) {
            Credentials guess = new Credentials(direct.createClient("acme").clientId(), "wrong-secret");
            for (String forged : List.of("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5")) {
                direct.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                        "Authorization", guess.basic(), "X-Forwarded-For", forged);
            }
            HttpResponse<String> sixth = direct.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                    "Authorization", guess.basic(), "X-Forwarded-For", "192.0.2.6");
            assertThat(sixth.statusCode()).isEqualTo(429);
        }
    }

    @Test
    void aSpoofedFirstForwardedForLineDoesNotHideTheAddressTheProxyAppended() {
        // The client sends its own X-Forwarded-For; a proxy that appends a second line (rather than
        // joining) puts the real address last. Every line is read, the right-most untrusted hop wins.
        try (TestServer proxied = TestServer.start(config -> config.authFailureBurst(BURST).authFailurePerMinute(6)
                .trustedProxies(Set.of("127.0.0.0/8", "10.0.0.0/8")))) {
            Credentials guess = new Credentials(proxied.createClient("acme").clientId(), "wrong-secret");
            Map<Integer, Integer> statuses = new HashMap<>();
            for (int i = 0; i < 50; i++) {
                statuses.merge(proxied.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                        "Authorization", guess.basic(), "X-Forwarded-For", "192.0.2." + i + ", not-an-address",
                        "X-Forwarded-For", ATTACKER + ", 10.1.2.3").statusCode(), 1, Integer::sum);
            }
            assertThat(statuses).containsExactlyInAnyOrderEntriesOf(Map.of(401, BURST, 429, 50 - BURST));
            JsonNode locked = TestServer.json(proxied.admin("GET", "/admin/audit?action=rate_limit.locked", null));
            assertThat(locked.get("events").get(0).get("source").asText()).isEqualTo(ATTACKER);
        }
    }

    @Test
    void aTrustedProxyListThatIsNotAddressesIsRefusedAtStart() {
        assertThatThrownBy(() -> TestServer.start(config -> config.trustedProxies(Set.of("proxy.internal"))))
                .hasMessageContaining("proxy.internal").hasMessageContaining("not an IP address or CIDR range");
        assertThatThrownBy(() -> TestServer.start(config -> config.trustedProxies(Set.of("10.0.0.0/33"))))
                .hasMessageContaining("prefix length");
    }

    private HttpResponse<String> token(Credentials client, String address) {
        return server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                "Authorization", client.basic(), "X-Forwarded-For", address);
    }

    private HttpResponse<String> pipelineRefresh(String refreshToken, String address) {
        return server.postJson("/pipeline/oauth2",
                TestServer.write(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken)),
                "X-Forwarded-For", address);
    }
}
