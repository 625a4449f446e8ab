package io.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Retries of failed token requests. A real Latchkey cannot be made to fail on demand, so these
 * run against a stub that answers 503, and a port where nothing listens.
 */
class RetryTest {
    private static final String TOKEN_RESPONSE =
            "{\"access_token\":\"opaque\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"refresh_token\":\"r\"}";
    private static final RetryPolicy POLICY = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(300));

    @Test
    void a503IsRetriedAfterCappedExponentialDelaysWithJitter() {
        List<Duration> slept = new CopyOnWriteArrayList<>();
        RecordingListener listener = new RecordingListener();
        try (StubServer failing = new StubServer((n, exchange) -> StubServer.answer(exchange,
                n <= 4 ? 503 : 200, n <= 4 ? "{\"error\":\"temporarily_unavailable\"}" : TOKEN_RESPONSE))) {
            TokenSource tokens = TokenSource.builder(failing.url(), "client", "secret")
                    .retryPolicy(POLICY).listener(listener).sleeper(slept::add).build();

            assertThat(tokens.accessToken()).isEqualTo("opaque");

            assertThat(failing.requests()).isEqualTo(5);
            assertThat(slept).hasSize(4).isEqualTo(listener.retryDelays);
            // Ceilings 100, 200, 300 (capped), 300 ms; each delay lies in the ceiling's upper half.
            assertThat(slept.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
            assertThat(slept.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
            assertThat(slept.get(2)).isBetween(Duration.ofMillis(150), Duration.ofMillis(300));
            assertThat(slept.get(3)).isBetween(Duration.ofMillis(150), Duration.ofMillis(300));
        }
    }

    @Test
    void retriesStopAfterMaxAttemptsWithAnExceptionNamingTheStatus() {
        List<Duration> slept = new CopyOnWriteArrayList<>();
        try (StubServer failing = new StubServer((n, exchange) -> StubServer.answer(exchange, 503, "{}"))) {
            TokenSource tokens = TokenSource.builder(failing.url(), "client", "secret")
                    .retryPolicy(POLICY).sleeper(slept::add).build();

            assertThatThrownBy(tokens::accessToken).isInstanceOf(TokenSourceException.class)
                    .isNotInstanceOf(InvalidClientException.class).hasMessageContaining("HTTP 503");
            assertThat(failing.requests()).isEqualTo(5);
            assertThat(slept).hasSize(4);
        }
    }

    @Test
    void aRetryAfterLongerThanTheBackoffIsHonouredWithinTheCap() {
        List<Duration> slept = new CopyOnWriteArrayList<>();
        try (StubServer busy = new StubServer((n, exchange) -> {
            if (n == 1) {
                exchange.getResponseHeaders().set("Retry-After", "60");
                StubServer.answer(exchange, 429, "{\"error\":\"too_many_requests\"}");
            } else {
                StubServer.answer(exchange, 200, TOKEN_RESPONSE);
            }
        })) {
            TokenSource tokens = TokenSource.builder(busy.url(), "client", "secret")
                    .retryPolicy(POLICY).sleeper(slept::add).build();

            tokens.accessToken();

            assertThat(slept).containsExactly(Duration.ofMillis(300));
        }
    }

    @Test
    void anIoErrorIsRetriedToo() throws IOException {
        List<Duration> slept = new CopyOnWriteArrayList<>();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        TokenSource tokens = TokenSource.builder(URI.create("http://127.0.0.1:" + closedPort), "client", "secret")
                .retryPolicy(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(10)))
                .sleeper(slept::add).build();

        assertThatThrownBy(tokens::accessToken).isInstanceOf(TokenSourceException.class)
                .hasMessageContaining("Could not get a token");
        assertThat(slept).hasSize(2);
    }

    @Test
    void theDelayCeilingDoublesUpToTheCap() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(200), Duration.ofSeconds(5));

        assertThat(List.of(1, 2, 3, 4, 5, 6, 30).stream().map(policy::ceilingAfter).toList()).containsExactly(
                Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800), Duration.ofMillis(1600),
                Duration.ofMillis(3200), Duration.ofSeconds(5), Duration.ofSeconds(5));
    }
}
