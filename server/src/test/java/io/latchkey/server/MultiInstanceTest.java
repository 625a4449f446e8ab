package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.latchkey.core.key.SigningAlgorithm;
import io.latchkey.server.TestServer.Credentials;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two instances on one PostgreSQL behave as one server (SPEC §5): whatever one does, the other
 * honours — at once for what the store decides, within one second for what instances cache.
 */
@Tag("multi-instance")
class MultiInstanceTest {
    private static final Duration BOUND = Duration.ofSeconds(1);

    private String url;
    private TestServer a;
    private TestServer b;

    @BeforeEach
    void startTwoInstancesOnOneDatabase() {
        url = PostgresForTests.newDatabase();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String masterKey = Base64.getEncoder().encodeToString(key);
        // What every instance of one deployment shares: the store, the master key, the issuer.
        a = TestServer.start(config -> config.dbUrl(url).dbUser("postgres").masterKey(masterKey)
                .issuer("https://auth.example.test").signingAlgorithm(SigningAlgorithm.ES256));
        b = TestServer.start(config -> config.dbUrl(url).dbUser("postgres").masterKey(masterKey)
                .issuer("https://auth.example.test").signingAlgorithm(SigningAlgorithm.ES256));
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    @Test
    void aTokenIssuedByOneInstanceIsRefreshedIntrospectedAndRevokedAtTheOther() {
        Credentials client = a.createClient("acme");
        JsonNode tokens = a.token(client);

        assertThat(introspect(b, tokens.get("access_token").asText()).get("active").asBoolean()).isTrue();
        HttpResponse<String> refreshed = refresh(b, client, tokens.get("refresh_token").asText());
        assertThat(refreshed.statusCode()).isEqualTo(200);
        String newAccess = TestServer.json(refreshed).get("access_token").asText();

        HttpResponse<String> revoked = b.postForm("/oauth2/revoke", Map.of("token", newAccess),
                "Authorization", client.basic());
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertWithin(BOUND, () -> !introspect(a, newAccess).get("active").asBoolean());
    }

    @Test
    void aClientDeletedAtOneInstanceIsRefusedByTheOtherWithinOneSecond() {
        Credentials client = a.createClient("acme");
        JsonNode tokens = b.token(client); // b now holds the client in its cache
        assertThat(introspect(b, tokens.get("access_token").asText()).get("active").asBoolean()).isTrue();

        assertThat(a.admin("DELETE", "/admin/clients/" + client.clientId(), null).statusCode()).isEqualTo(200);

        assertWithin(BOUND, () -> tokenStatus(b, client) == 401);
        assertWithin(BOUND, () -> !introspect(b, tokens.get("access_token").asText()).get("active").asBoolean());
        assertThat(refresh(b, client, tokens.get("refresh_token").asText()).statusCode()).isIn(400, 401);
        assertThat(b.pipeline(Map.of("grant_type", "refresh_token",
                "refresh_token", tokens.get("refresh_token").asText())).statusCode()).isEqualTo(400);
    }

    @Test
    void concurrentRefreshesOfOneTokenAtTwoInstancesHaveExactlyOneWinner() throws Exception {
        Credentials client = a.createClient("acme");
        String refreshToken = a.token(client).get("refresh_token").asText();
        int threads = 40;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> outcomes = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                TestServer instance = i % 2 == 0 ? a : b;
                outcomes.add(pool.submit(() -> {
                    start.await();
                    return instance.pipeline(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken))
                            .statusCode();
                }));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> outcome : outcomes) {
                statuses.add(outcome.get());
            }
            assertThat(statuses).filteredOn(status -> status == 200).hasSize(1);
            assertThat(statuses).filteredOn(status -> status == 400).hasSize(threads - 1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aKeyRotationAtOneInstanceIsUsedByAllWithinOneSecondAndTheJwksAgree() {
        Credentials client = a.createClient("acme");
        String oldToken = b.token(client).get("access_token").asText();
        HttpResponse<String> rotated = a.admin("POST", "/admin/keys/rotate", null);
        assertThat(rotated.statusCode()).isEqualTo(200);
        String newKid = TestServer.json(rotated).get("keys").get(0).get("kid").asText();

        assertWithin(BOUND, () -> b.get("/oauth2/jwks").body().equals(a.get("/oauth2/jwks").body()));
        assertThat(a.get("/oauth2/jwks").body()).contains(newKid);
        assertWithin(BOUND, () -> kid(b.token(client).get("access_token").asText()).equals(newKid));
        assertThat(introspect(a, oldToken).get("active").asBoolean()).isTrue();
    }

    @Test
    void apiKeysAndSecretRotationsMadeAtOneInstanceHoldAtTheOther() {
        HttpResponse<String> created = a.admin("POST", "/admin/api-keys", "{\"name\":\"ops\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        String apiKey = TestServer.json(created).get("apiKey").asText();
        String apiKeyId = TestServer.json(created).get("id").asText();
        // Read-your-writes, as for a new client secret: no wait for the change feed.
        assertThat(b.get("/admin/clients", "X-API-Key", apiKey).statusCode()).isEqualTo(200);
        assertThat(b.postJson("/pipeline/oauth2", "{\"partnerId\":\"acme\",\"executionType\":\"create\",\"apikey\":\""
                + apiKey + "\"}").statusCode()).isEqualTo(200);

        assertThat(a.admin("DELETE", "/admin/api-keys/" + apiKeyId, null).statusCode()).isEqualTo(200);
        assertWithin(BOUND, () -> b.get("/admin/clients", "X-API-Key", apiKey).statusCode() == 401);

        Credentials client = a.createClient("acme");
        b.token(client);
        HttpResponse<String> rekeyed = a.admin("POST", "/admin/clients/" + client.clientId() + "/secret", null);
        assertThat(rekeyed.statusCode()).isEqualTo(200);
        Credentials fresh = new Credentials(client.clientId(), TestServer.json(rekeyed).get("clientSecret").asText());
        assertWithin(BOUND, () -> tokenStatus(b, client) == 401);
        assertThat(tokenStatus(b, fresh)).isEqualTo(200);
    }

    @Test
    void aGrantWithdrawnOrAnApiDeletedAtOneInstanceRefusesItsTokensAtTheOtherWithinOneSecond() {
        JsonNode orders = ApisTest.createApi(a, ApisTest.uniqueIdentifier(), null, "r");
        JsonNode invoices = ApisTest.createApi(a, ApisTest.uniqueIdentifier(), null, "i");
        Credentials client = a.createClient("acme");
        ApisTest.grant(a, client, orders, "r");
        ApisTest.grant(a, client, invoices, "i");
        // B learns of the API and the grants through the change feed, then issues for them.
        assertWithin(BOUND, () -> tokenStatus(b, client, orders) == 200 && tokenStatus(b, client, invoices) == 200);
        String forOrders = b.token(client, "resource", orders.get("identifier").asText()).get("access_token").asText();
        String forInvoices = b.token(client, "resource", invoices.get("identifier").asText()).get("access_token").asText();
        assertThat(introspect(b, forOrders).get("active").asBoolean()).isTrue();

        a.admin("DELETE", ApisTest.apisOf(client, orders), null);
        assertWithin(BOUND, () -> !introspect(b, forOrders).get("active").asBoolean());
        assertThat(tokenStatus(b, client, orders)).isEqualTo(400);

        a.admin("DELETE", "/admin/apis/" + invoices.get("id").asText(), null);
        assertWithin(BOUND, () -> !introspect(b, forInvoices).get("active").asBoolean());
    }

    private static int tokenStatus(TestServer server, Credentials client, JsonNode api) {
        return server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials",
                "resource", api.get("identifier").asText()), "Authorization", client.basic()).statusCode();
    }

    @Test
    void aChangeWhoseReloadFailsIsRetriedSoAnApiKeyDeletedAtOneInstanceStillStopsWorkingAtTheOther()
            throws Exception {
        HttpResponse<String> created = a.admin("POST", "/admin/api-keys", "{\"name\":\"ops\"}");
        String apiKey = TestServer.json(created).get("apiKey").asText();
        String apiKeyId = TestServer.json(created).get("id").asText();
        assertWithin(BOUND, () -> b.get("/admin/clients", "X-API-Key", apiKey).statusCode() == 200);

        // Reading the keys fails from now on (the delete below does not read that column).
        sql("ALTER TABLE api_keys RENAME COLUMN name TO name_away");
        assertThat(a.admin("DELETE", "/admin/api-keys/" + apiKeyId, null).statusCode()).isEqualTo(200);
        b.server().pollChanges(); // applying the delete reloads the keys, which fails

        assertThat(b.get("/admin/clients", "X-API-Key", apiKey).statusCode()).isEqualTo(503);
        assertThat(b.get("/health/ready").statusCode()).isEqualTo(503);
        assertThat(b.get("/admin/clients", "X-API-Key", TestServer.ADMIN_KEY).statusCode()).isEqualTo(200);

        sql("ALTER TABLE api_keys RENAME COLUMN name_away TO name");
        assertWithin(BOUND, () -> b.get("/health/ready").statusCode() == 200);
        assertThat(b.get("/admin/clients", "X-API-Key", apiKey).statusCode()).isEqualTo(401);
    }

    @Test
    void deletesReachTheOtherInstanceWhileOneClockRunsAMinuteAhead() {
        a.clock().advance(Duration.ofSeconds(60));
        Credentials client = b.createClient("acme");
        assertThat(tokenStatus(b, client)).isEqualTo(200); // b caches it
        HttpResponse<String> created = b.admin("POST", "/admin/api-keys", "{\"name\":\"ops\"}");
        String apiKey = TestServer.json(created).get("apiKey").asText();
        assertWithin(BOUND, () -> a.get("/admin/clients", "X-API-Key", apiKey).statusCode() == 200);

        // The writer is ahead of the reader...
        assertThat(a.admin("DELETE", "/admin/clients/" + client.clientId(), null).statusCode()).isEqualTo(200);
        assertWithin(BOUND, () -> tokenStatus(b, client) == 401);

        // ... and behind it.
        String apiKeyId = TestServer.json(created).get("id").asText();
        assertThat(b.admin("DELETE", "/admin/api-keys/" + apiKeyId, null).statusCode()).isEqualTo(200);
        assertWithin(BOUND, () -> a.get("/admin/clients", "X-API-Key", apiKey).statusCode() == 401);
    }

    /** Runs {@code statement} on the database both instances share, as an operator (or a fault) would. */
    private void sql(String statement) throws java.sql.SQLException {
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(url, "postgres", null);
             java.sql.Statement run = connection.createStatement()) {
            run.execute(statement);
        }
    }

    private static JsonNode introspect(TestServer server, String token) {
        return TestServer.json(server.postForm("/oauth2/introspect", Map.of("token", token),
                "X-API-Key", TestServer.ADMIN_KEY));
    }

    private static HttpResponse<String> refresh(TestServer server, Credentials client, String refreshToken) {
        return server.postForm("/oauth2/token", Map.of("grant_type", "refresh_token", "refresh_token", refreshToken),
                "Authorization", client.basic());
    }

    private static int tokenStatus(TestServer server, Credentials client) {
        return server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                "Authorization", client.basic()).statusCode();
    }

    private static String kid(String jwt) {
        try {
            return com.nimbusds.jwt.SignedJWT.parse(jwt).getHeader().getKeyID();
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }

    /** Awaits {@code condition}, failing if it does not hold within {@code bound} of now. */
    static void assertWithin(Duration bound, BooleanSupplier condition) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition did not hold within " + bound);
            }
            Thread.onSpinWait();
        }
    }
}
