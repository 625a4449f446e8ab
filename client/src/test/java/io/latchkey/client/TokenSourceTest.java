package io.latchkey.client;

import static io.latchkey.client.TokenSourceListener.Grant.CLIENT_CREDENTIALS;
import static io.latchkey.client.TokenSourceListener.Grant.REFRESH_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The token source against a real Latchkey (access tokens live 10 minutes, refresh tokens 30),
 * on a clock the tests move.
 */
class TokenSourceTest {
    private static Latchkey latchkey;

    @BeforeAll
    static void start() {
        latchkey = Latchkey.start(config -> config.accessTokenTtl(Duration.ofMinutes(10))
                .refreshTokenTtl(Duration.ofMinutes(30)));
    }

    @AfterAll
    static void stop() {
        latchkey.close();
    }

    private static TokenSource.Builder source(Latchkey.Client client, CountingHttpClient http,
                                              RecordingListener listener) {
        return TokenSource.builder(latchkey.url(), client.id(), client.secret())
                .clock(latchkey.clock()).httpClient(http).listener(listener);
    }

    @Test
    void firstUseFetchesATokenWithClientCredentialsAndLaterCallsReuseIt() {
        Latchkey.Client client = latchkey.createClient("TestSystem");
        CountingHttpClient http = new CountingHttpClient();
        RecordingListener listener = new RecordingListener();
        TokenSource tokens = source(client, http, listener).build();

        assertThat(http.total()).isZero(); // nothing before first use
        String first = tokens.accessToken();
        String second = tokens.accessToken();

        assertThat(second).isEqualTo(first);
        assertThat(http.count("/oauth2/token")).isEqualTo(1);
        assertThat(listener.grants()).containsExactly(CLIENT_CREDENTIALS);
        assertThat(listener.obtained.get(0).expiresAt())
                .isEqualTo(latchkey.clock().instant().plus(Duration.ofMinutes(10)));
    }

    @Test
    void aHundredConcurrentCallersCauseExactlyOneTokenRequest() throws Exception {
        Latchkey.Client client = latchkey.createClient("TestSystem");
        CountingHttpClient http = new CountingHttpClient();
        TokenSource tokens = source(client, http, new RecordingListener()).build();
        ExecutorService pool = Executors.newFixedThreadPool(100);
        try {
            CountDownLatch ready = new CountDownLatch(100);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                results.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return tokens.accessToken();
                }));
            }
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            Set<String> distinct = ConcurrentHashMap.newKeySet();
            for (Future<String> result : results) {
                distinct.add(result.get(30, TimeUnit.SECONDS));
            }

            assertThat(distinct).hasSize(1);
            assertThat(http.count("/oauth2/token")).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theTokenIsRefreshedWithTheRefreshTokenShortlyBeforeItExpires() {
        Latchkey.Client client = latchkey.createClient("TestSystem");
        CountingHttpClient http = new CountingHttpClient();
        RecordingListener listener = new RecordingListener();
        TokenSource tokens = source(client, http, listener).build();
        String first = tokens.accessToken();

        latchkey.clock().advance(Duration.ofMinutes(8).plusSeconds(59)); // 61 s before expiry: not yet due
        assertThat(tokens.accessToken()).isEqualTo(first);
        assertThat(http.count("/oauth2/token")).isEqualTo(1);

        latchkey.clock().advance(Duration.ofSeconds(2)); // inside the default lead: min(60 s, 10 % of 10 min)
        String renewed = tokens.accessToken();

        assertThat(renewed).isNotEqualTo(first);
        assertThat(listener.grants()).containsExactly(CLIENT_CREDENTIALS, REFRESH_TOKEN);
        assertThat(http.count("/oauth2/token")).isEqualTo(2);
    }

    @Test
    void aConfiguredLeadTimeRenewsThatLongBeforeExpiry() {
        Latchkey.Client client = latchkey.createClient("TestSystem");
        RecordingListener listener = new RecordingListener();
        TokenSource tokens = source(client, new CountingHttpClient(), listener)
                .refreshLeadTime(Duration.ofMinutes(5)).build();
        tokens.accessToken();

        latchkey.clock().advance(Duration.ofMinutes(4).plusSeconds(59));
        tokens.accessToken();
        assertThat(listener.grants()).containsExactly(CLIENT_CREDENTIALS);

        latchkey.clock().advance(Duration.ofSeconds(2));
        tokens.accessToken();
        assertThat(listener.grants()).containsExactly(CLIENT_CREDENTIALS, REFRESH_TOKEN);
    }

    @Test
    void aRefreshRefusedWithInvalidGrantFallsBackToClientCredentials() {
        Latchkey.Client client = latchkey.createClient("TestSystem");
        RecordingListener listener = new RecordingListener();
        TokenSource tokens = source(client, new CountingHttpClient(), listener).build();
        String first = tokens.accessToken();

        latchkey.clock().advance(Duration.ofMinutes(31)); // the refresh token has expired too
        String renewed = tokens.accessToken();

        assertThat(renewed).isNotEqualTo(first);
        assertThat(listener.refreshRefusals).isEqualTo(1);
        assertThat(listener.grants()).containsExactly(CLIENT_CREDENTIALS, CLIENT_CREDENTIALS);
    }

    @Test
    void invalidClientIsNeverRetriedAndSaysWhatToDo() {
        Latchkey.Client client = latchkey.createClient("TestSystem");
        CountingHttpClient http = new CountingHttpClient();
        TokenSource tokens = TokenSource.builder(latchkey.url(), client.id(), "not-the-secret")
                .clock(latchkey.clock()).httpClient(http).build();

        assertThatThrownBy(tokens::accessToken)
                .isInstanceOf(InvalidClientException.class)
                .hasMessageContaining(client.id())
                .hasMessageContaining("Retrying will not help")
                .hasMessageNotContaining("not-the-secret");
        assertThat(http.count("/oauth2/token")).isEqualTo(1);
    }

    @Test
    void theTokenOfADeletedClientEndsInInvalidClientOnThePipelineEndpoint() {
        Latchkey.Client client = latchkey.createClient("TestSystem");
        RecordingListener listener = new RecordingListener();
        TokenSource tokens = source(client, new CountingHttpClient(), listener)
                .endpoint(TokenEndpointStyle.PIPELINE).build();
        tokens.accessToken();

        latchkey.deleteClient(client.id());
        latchkey.clock().advance(Duration.ofMinutes(10));

        // The pipeline's refresh answers invalid_grant for a deleted client; its fallback, invalid_client.
        assertThatThrownBy(tokens::accessToken).isInstanceOf(InvalidClientException.class);
        assertThat(listener.refreshRefusals).isEqualTo(1);
    }

    @Test
    void thePipelineEndpointsExpiresInIsReadAsMilliseconds() {
        Latchkey.Client client = latchkey.createClient("TestSystem");
        CountingHttpClient http = new CountingHttpClient();
        RecordingListener listener = new RecordingListener();
        TokenSource tokens = source(client, http, listener).endpoint(TokenEndpointStyle.PIPELINE).build();

        String first = tokens.accessToken();
        latchkey.clock().advance(Duration.ofMinutes(9).plusSeconds(1));
        String renewed = tokens.accessToken();

        assertThat(http.count("/pipeline/oauth2")).isEqualTo(2);
        assertThat(renewed).isNotEqualTo(first);
        assertThat(listener.grants()).containsExactly(CLIENT_CREDENTIALS, REFRESH_TOKEN);
        assertThat(listener.obtained.get(1).expiresAt())
                .isEqualTo(latchkey.clock().instant().plus(Duration.ofMinutes(10))); // 600000 ms, not 600000 s
    }

    @Test
    void theMetadataUrlLeadsToTheTokenEndpoint() {
        Latchkey.Client client = latchkey.createClient("TestSystem");
        CountingHttpClient http = new CountingHttpClient();
        // The metadata names the issuer's URLs (http://localhost:<port>), which this machine also reaches.
        TokenSource tokens = TokenSource.builderFromMetadata(
                        latchkey.url().resolve("/.well-known/oauth-authorization-server"), client.id(), client.secret())
                .clock(latchkey.clock()).httpClient(http).build();

        assertThat(tokens.accessToken()).isNotBlank();
        assertThat(http.count("/.well-known/oauth-authorization-server")).isEqualTo(1);
        assertThat(http.count("/oauth2/token")).isEqualTo(1);
    }

    @Test
    void authorizeAddsTheBearerHeader() {
        Latchkey.Client client = latchkey.createClient("TestSystem");
        TokenSource tokens = source(client, new CountingHttpClient(), new RecordingListener()).build();

        HttpRequest request = tokens.authorize(HttpRequest.newBuilder(URI.create("http://127.0.0.1:1/orders"))).build();

        assertThat(request.headers().firstValue("Authorization")).contains("Bearer " + tokens.accessToken());
    }

    @Test
    void a401FromTheProtectedApiCausesOneRenewalAndOneRetry() throws Exception {
        Latchkey.Client client = latchkey.createClient("TestSystem");
        RecordingListener listener = new RecordingListener();
        TokenSource tokens = source(client, new CountingHttpClient(), listener).build();
        Set<String> refused = ConcurrentHashMap.newKeySet();
        refused.add(tokens.accessToken()); // as if this token had been revoked
        try (StubServer api = new StubServer((n, exchange) -> {
            String token = exchange.getRequestHeaders().getFirst("Authorization").substring("Bearer ".length());
            StubServer.answer(exchange, refused.contains(token) ? 401 : 200, "{}");
        })) {
            HttpResponse<String> response = tokens.send(HttpClient.newHttpClient(),
                    HttpRequest.newBuilder(api.url().resolve("/orders")), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(api.requests()).isEqualTo(2);
            assertThat(listener.grants()).containsExactly(CLIENT_CREDENTIALS, REFRESH_TOKEN);
        }
    }

    @Test
    void callersWaitingForAnotherThreadsRequestGiveUpAfterTheWaitTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (StubServer hanging = new StubServer((n, exchange) -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            StubServer.answer(exchange, 503, "{}");
        })) {
            TokenSource tokens = TokenSource.builder(hanging.url(), "client", "secret")
                    .waitTimeout(Duration.ofMillis(200)).retryPolicy(RetryPolicy.NONE).build();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<?> leader = pool.submit((Callable<String>) tokens::accessToken);
                awaitUntil(() -> hanging.requests() == 1);

                Future<String> follower = pool.submit(tokens::accessToken);

                assertThatThrownBy(() -> follower.get(10, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(TokenSourceException.class)
                        .hasMessageContaining("Waited PT0.2S");
                release.countDown();
                assertThatThrownBy(() -> leader.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(TokenSourceException.class);
                assertThat(hanging.requests()).isEqualTo(1);
            } finally {
                release.countDown();
                pool.shutdownNow();
            }
        }
    }

    @Test
    void toStringShowsNeitherSecretNorToken() {
        Latchkey.Client client = latchkey.createClient("TestSystem");
        TokenSource tokens = source(client, new CountingHttpClient(), new RecordingListener()).build();
        String token = tokens.accessToken();

        assertThat(tokens.toString()).contains(client.id()).doesNotContain(client.secret()).doesNotContain(token);
    }

    static void awaitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
