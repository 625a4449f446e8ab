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
 * clock, moved by the test, stands for an hour of the three of them working.
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
            //    the API's own, with which it introspects tokens.
            Map<String, Object> partnerCredentials = pipeline(server, Map.of(
                    "partnerId", "TestSystem", "executionType", "create", "apikey", ADMIN_KEY, "scopes", List.of("orders:read")));
            Map<String, Object> apiCredentials = pipeline(server, Map.of(
                    "partnerId", "OrdersApi", "executionType", "create", "apikey", ADMIN_KEY));
            String clientId = (String) partnerCredentials.get("clientId");
            String verifierKey = verifierKey(server);

            TokenVerifier verifier = TokenVerifier.builder(server).issuer(latchkey.issuer()).clock(clock)
                    .requiredScopes("orders:read")
                    .sharedKeysFromServer(verifierKey)
                    .introspectAsClient((String) apiCredentials.get("clientId"), (String) apiCredentials.get("clientSecret"))
                    .introspectionCacheTtl(Duration.ofSeconds(5))
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

            try (OrdersApi api = new OrdersApi(verifier, 0)) {
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

                // 4. The client is deleted. Once the API's introspection cache has turned over, its
                //    token is refused; the partner's one renewal fails too, with invalid_client.
                pipeline(server, Map.of("clientId", clientId, "executionType", "delete", "apikey", ADMIN_KEY));
                clock.advance(Duration.ofSeconds(5));
                assertThatThrownBy(partner::fetchOrders).isInstanceOf(InvalidClientException.class)
                        .hasMessageContaining(clientId);
                assertThat(api.refused()).isEqualTo(1);

                // Whoever still holds the token gets 401 with the RFC 6750 challenge.
                HttpResponse<String> stale = http.send(tokens.authorize(HttpRequest.newBuilder(api.url().resolve("/orders")))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(stale.statusCode()).isEqualTo(401);
                assertThat(stale.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(challenge ->
                        assertThat(challenge).startsWith("Bearer realm=\"orders\"").contains("error=\"invalid_token\""));
            }
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
