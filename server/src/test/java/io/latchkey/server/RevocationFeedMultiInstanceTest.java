package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.latchkey.server.TestServer.Credentials;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC §9 across instances: a revocation or deletion made at instance A is in instance B's feed
 * within one second, answering a long poll held at B, and a cursor A answered means the same at
 * B. On PostgreSQL, and on one SQLite file that two instances open.
 */
@Tag("multi-instance")
class RevocationFeedMultiInstanceTest {
    private static final Duration BOUND = Duration.ofSeconds(1);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "sqlite"})
    void aRevocationAtOneInstanceAnswersALongPollAtTheOtherWithinOneSecond(String store) throws Exception {
        try (Pair pair = Pair.start(store)) {
            Credentials client = pair.a.createClient("acme");
            JsonNode tokens = pair.a.token(client);
            String accessToken = tokens.get("access_token").asText();
            String cursor = feed(pair.a, null).get("cursor").asText(); // A's cursor, asked of B

            CompletableFuture<HttpResponse<String>> held = longPoll(pair.b, cursor);
            MultiInstanceTest.assertWithin(Duration.ofSeconds(5), () -> followers(pair.b) == 1);
            long revokedAt = System.nanoTime();
            revoke(pair.a, client, accessToken);
            HttpResponse<String> answer = held.get(5, TimeUnit.SECONDS);

            assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(BOUND);
            JsonNode news = TestServer.json(answer);
            assertThat(RevocationFeedTest.ids(news)).containsExactly(RevocationFeedTest.claim(accessToken, "jti"));

            // The next cursor, from B, is good at A: nothing new there either.
            assertThat(RevocationFeedTest.ids(feed(pair.a, news.get("cursor").asText()))).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "sqlite"})
    void aRevokedFamilyAndADeletedClientAtOneInstanceAreInTheOthersFeedWithinOneSecond(String store) {
        try (Pair pair = Pair.start(store)) {
            Credentials client = pair.a.createClient("acme");
            Credentials other = pair.a.createClient("globex");
            JsonNode tokens = pair.a.token(client);
            String familyId = RevocationFeedTest.claim(tokens.get("refresh_token").asText(), "fid");
            String cursor = feed(pair.b, null).get("cursor").asText();

            revoke(pair.a, client, tokens.get("refresh_token").asText());
            assertThat(pair.a.admin("DELETE", "/admin/clients/" + other.clientId(), null).statusCode()).isEqualTo(200);

            MultiInstanceTest.assertWithin(BOUND, () -> {
                JsonNode news = feed(pair.b, cursor);
                return RevocationFeedTest.find(news, "family", familyId) != null
                        && RevocationFeedTest.find(news, "client", other.clientId()) != null;
            });
        }
    }

    private static CompletableFuture<HttpResponse<String>> longPoll(TestServer server, String cursor) {
        return HTTP.sendAsync(HttpRequest.newBuilder(server.uri("/oauth2/revocations?wait=20&cursor=" + cursor))
                .header("X-API-Key", TestServer.ADMIN_KEY).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode feed(TestServer server, String cursor) {
        HttpResponse<String> answer = server.get("/oauth2/revocations" + (cursor == null ? "" : "?cursor=" + cursor),
                "X-API-Key", TestServer.ADMIN_KEY);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return TestServer.json(answer);
    }

    private static void revoke(TestServer server, Credentials client, String token) {
        assertThat(server.postForm("/oauth2/revoke", Map.of("token", token), "Authorization", client.basic())
                .statusCode()).isEqualTo(200);
    }

    private static double followers(TestServer server) {
        return PrometheusText.parse(server.get("/metrics").body()).value("latchkey_revocation_feed_followers");
    }

    /** Two instances of one deployment: one store, one master key, one issuer. */
    private record Pair(TestServer a, TestServer b) implements AutoCloseable {
        static Pair start(String store) {
            String url;
            if (store.equals("postgres")) {
                url = PostgresForTests.newDatabase();
            } else {
                try {
                    url = "jdbc:sqlite:" + Files.createTempDirectory("latchkey-shared").resolve("latchkey.db");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            String masterKey = Base64.getEncoder().encodeToString(key);
            java.util.function.Supplier<TestServer> one = () -> TestServer.start(config -> config.dbUrl(url)
                    .dbUser(store.equals("postgres") ? "postgres" : null).masterKey(masterKey)
                    .issuer("https://auth.example.test"));
            TestServer a = one.get();
            return new Pair(a, one.get());
        }

        @Override
        public void close() {
            a.close();
            b.close();
        }
    }
}
