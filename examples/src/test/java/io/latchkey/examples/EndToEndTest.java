package io.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.latchkey.client.InvalidClientException;
import io.latchkey.client.TokenEndpointStyle;
import io.latchkey.client.TokenSource;
import io.latchkey.client.TokenSourceListener;
import io.latchkey.client.TokenVerifier;
import io.latchkey.server.LatchkeyServer;
import io.latchkey.server.config.ServerConfig;
import io.latchkey.testing.SettableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The whole path, everything real and in-process: a Latchkey server, the example orders API
 * verifying tokens with the SDK, and the example partner calling it through a token source. One
 * clock, moved by the test, stands for an hour of the three of them working. The API asks no
 * introspection: it learns of revocations and deletions from the revocation feed (SPEC §9), which
 * its verifier follows by default, and refuses them within 2 s with no call per request.
 */
class EndToEndTest {
    private static final String ADMIN_KEY = "examples-admin-key-0123456789abcdefghijklmnopqrstuvwxyz";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void credentialsCreatedTokensFetchedAndRefreshedCallsAcceptedUntilTheClientIsDeleted() throws Exception {
        SettableClock clock = SettableClock.startingNow(); // the one clock of the server, the API and the partner
        ServerConfig config = ServerConfig.builder().port(0).host("127.0.0.1").adminApiKey(ADMIN_KEY)
                .dataDir(Files.createTempDirectory("latchkey-examples")).accessTokenTtl(Duration.ofMinutes(10)).build();
        try (LatchkeyServer latchkey = LatchkeyServer.start(config, clock, new SecureRandom())) {
            URI server = URI.create("http://127.0.0.1:" + latchkey.port());

            // 1. Credentials: the partner's through the integration model's pipeline endpoint, and
            //    the API's verifier key, with which it reads the shared key and follows the feed.
            Map<String, Object> partnerCredentials = pipeline(server, Map.of(
                    "partnerId", "TestSystem", "executionType", "create", "apikey", ADMIN_KEY, "scopes", List.of("orders:read")));
            String clientId = (String) partnerCredentials.get("clientId");
            String clientSecret = (String) partnerCredentials.get("clientSecret");
            String verifierKey = verifierKey(server);

            TokenVerifier verifier = TokenVerifier.builder(server).issuer(latchkey.issuer()).clock(clock)
                    .requiredScopes("orders:read")
                    .sharedKeysFromServer(verifierKey) // and the revocation feed, by default; no introspection
                    .build();
            List<TokenSourceListener.Grant> grants = new CopyOnWriteArrayList<>();
            TokenSource tokens = TokenSource.builder(server, clientId, (String) partnerCredentials.get("clientSecret"))
                    .endpoint(TokenEndpointStyle.PIPELINE).clock(clock)
                    .listener(new TokenSourceListener() {
                        @Override
                        public void tokenObtained(Grant grant, Instant expiresAt) {
                            grants.add(grant);
                        }
                    })
                    .build();

            try (verifier; OrdersApi api = new OrdersApi(verifier, 0)) {
                Partner partner = new Partner(tokens, http, api.url());

                // 2. Tokens fetched on first use; calls accepted.
                HttpResponse<String> first = partner.fetchOrders();
                assertThat(first.statusCode()).isEqualTo(200);
                assertThat(first.body()).contains("\"partner\":\"TestSystem\"");
                assertThat(partner.fetchOrders().statusCode()).isEqualTo(200);
                assertThat(grants).containsExactly(TokenSourceListener.Grant.CLIENT_CREDENTIALS);

                // 3. Nine and a half minutes on, inside the lead time: refreshed before expiry, still accepted.
                clock.advance(Duration.ofMinutes(9).plusSeconds(30));
                assertThat(partner.fetchOrders().statusCode()).isEqualTo(200);
                assertThat(grants).containsExactly(TokenSourceListener.Grant.CLIENT_CREDENTIALS,
                        TokenSourceListener.Grant.REFRESH_TOKEN);
                clock.advance(Duration.ofMinutes(5)); // past the first token's expiry: the refreshed one carries on
                assertThat(partner.fetchOrders().statusCode()).isEqualTo(200);
                assertThat(api.refused()).isZero();

                // 4. The partner revokes its access token (RFC 7009): the API refuses it within 2 s,
                //    and the partner's token source renews it behind the scenes.
                String revoked = authorization(tokens, api);
                revoke(server, clientId, clientSecret, revoked.substring("Bearer ".length()));
                awaitWithin(Duration.ofSeconds(2), () -> call(api, revoked).statusCode() == 401);
                assertThat(partner.fetchOrders().statusCode()).isEqualTo(200);
                assertThat(authorization(tokens, api)).isNotEqualTo(revoked);

                // 5. The client is deleted: within 2 s its live token is refused with the RFC 6750
                //    challenge, and the partner's one renewal fails too, with invalid_client.
                String live = authorization(tokens, api);
                assertThat(call(api, live).statusCode()).isEqualTo(200);
                pipeline(server, Map.of("clientId", clientId, "executionType", "delete", "apikey", ADMIN_KEY));
                awaitWithin(Duration.ofSeconds(2), () -> call(api, live).statusCode() == 401);
                HttpResponse<String> stale = call(api, live);
                assertThat(stale.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(challenge ->
                        assertThat(challenge).startsWith("Bearer realm=\"orders\"").contains("error=\"invalid_token\""));
                assertThatThrownBy(partner::fetchOrders).isInstanceOf(InvalidClientException.class)
                        .hasMessageContaining(clientId);
            }
        }
    }

    /** The {@code Authorization} header the token source sends now. */
    private static String authorization(TokenSource tokens, OrdersApi api) throws Exception {
        return tokens.authorize(HttpRequest.newBuilder(api.url().resolve("/orders"))).build().headers()
                .firstValue("Authorization").orElseThrow();
    }

    private HttpResponse<String> call(OrdersApi api, String authorization) {
        try {
            return http.send(HttpRequest.newBuilder(api.url().resolve("/orders")).header("Authorization", authorization)
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void revoke(URI server, String clientId, String secret, String token) throws Exception {
        String basic = java.util.Base64.getEncoder().encodeToString((clientId + ":" + secret)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.resolve("/oauth2/revoke"))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + token)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
    }

    /** Awaits a condition, never sleeping for luck. */
    private static void awaitWithin(Duration bound, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition did not hold within " + bound);
            }
            Thread.onSpinWait();
        }
    }

    /** The API's own key for the shared HS256 key: a verifier key, as an API should hold. */
    private String verifierKey(URI server) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.resolve("/admin/api-keys"))
                .header("X-API-Key", ADMIN_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"orders-api\",\"role\":\"verifier\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return (String) JSONObjectUtils.parse(response.body()).get("apiKey");
    }

    private Map<String, Object> pipeline(URI server, Map<String, Object> body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.resolve("/pipeline/oauth2"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSONObjectUtils.toJSONString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSONObjectUtils.parse(response.body());
    }
}
