package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.latchkey.server.TestServer.Credentials;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SPEC §9, sentence by sentence, over HTTP: {@code GET /oauth2/revocations}, authenticated like
 * introspection, lists what an offline verifier must refuse — revoked access tokens by {@code jti},
 * revoked families by {@code fid}, deleted clients by id — each until the last token it covers has
 * expired; every live entry without a cursor, only what is new with one; {@code wait} holds an
 * empty answer until something is new. Runs on SQLite and, in the {@code postgres} execution, on
 * PostgreSQL.
 */
class RevocationFeedTest {
    private static final Duration ACCESS_TTL = Duration.ofHours(1);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    final TestServer server = TestServer.extension(config -> config.accessTokenTtl(ACCESS_TTL));

    @Test
    void theFeedAnswersACursorAndEntriesOfTypeIdAndUntil() {
        Credentials client = server.createClient("acme");
        JsonNode tokens = server.token(client);
        String accessToken = tokens.get("access_token").asText();
        revoke(client, accessToken);

        JsonNode feed = awaitEntry(null, "token", claim(accessToken, "jti"));

        assertThat(feed.get("cursor").isTextual()).isTrue();
        assertThat(feed.get("entries").isArray()).isTrue();
        JsonNode entry = find(feed, "token", claim(accessToken, "jti"));
        assertThat(entry.size()).isEqualTo(3);
        assertThat(entry.get("until").isIntegralNumber()).isTrue();
    }

    @Test
    void aRevokedAccessTokenIsListedByItsJtiUntilItsExpiry() {
        Credentials client = server.createClient("acme");
        String accessToken = server.token(client).get("access_token").asText();
        revoke(client, accessToken);

        JsonNode entry = find(awaitEntry(null, "token", claim(accessToken, "jti")), "token", claim(accessToken, "jti"));

        assertThat(entry.get("until").asLong()).isEqualTo(Long.parseLong(claim(accessToken, "exp")));
    }

    @Test
    void aRevokedRefreshTokenListsItsFamilyUntilItsLastAccessTokenHasExpired() {
        Credentials client = server.createClient("acme");
        JsonNode tokens = server.token(client);
        String accessToken = tokens.get("access_token").asText();
        String familyId = claim(tokens.get("refresh_token").asText(), "fid");
        revoke(client, tokens.get("refresh_token").asText());

        JsonNode entry = find(awaitEntry(null, "family", familyId), "family", familyId);

        // No token of the family is issued after the revocation: its access tokens end within one lifetime.
        assertThat(entry.get("until").asLong()).isGreaterThanOrEqualTo(Long.parseLong(claim(accessToken, "exp")))
                .isLessThanOrEqualTo(server.clock().instant().plus(ACCESS_TTL).plus(Duration.ofMinutes(10)).getEpochSecond());
        assertThat(claim(accessToken, "fid")).isEqualTo(familyId);
    }

    @Test
    void aDeletedClientIsListedByItsIdUntilItsAccessTokensHaveExpired() {
        Credentials client = server.createClient("acme");
        String accessToken = server.token(client).get("access_token").asText();
        assertThat(server.admin("DELETE", "/admin/clients/" + client.clientId(), null).statusCode()).isEqualTo(200);

        JsonNode entry = find(awaitEntry(null, "client", client.clientId()), "client", client.clientId());

        assertThat(entry.get("until").asLong()).isGreaterThanOrEqualTo(Long.parseLong(claim(accessToken, "exp")));
    }

    @Test
    void theFeedIsAuthenticatedLikeIntrospectionByAnApiKeyOfEitherRoleOrAClient() {
        Credentials client = server.createClient("acme");
        String verifierKey = TestServer.json(server.admin("POST", "/admin/api-keys",
                "{\"name\":\"orders-api\",\"role\":\"verifier\"}")).get("apiKey").asText();

        assertThat(server.get("/oauth2/revocations", "X-API-Key", verifierKey).statusCode()).isEqualTo(200);
        assertThat(server.get("/oauth2/revocations", "X-API-Key", TestServer.ADMIN_KEY).statusCode()).isEqualTo(200);
        assertThat(server.get("/oauth2/revocations", "Authorization", client.basic()).statusCode()).isEqualTo(200);

        for (String[] headers : new String[][] {{}, {"X-API-Key", "not-a-key-of-this-server-0123456789abcdef"},
                {"Authorization", new Credentials(client.clientId(), "wrong").basic()}}) {
            HttpResponse<String> refused = server.get("/oauth2/revocations", headers);
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate")).isPresent();
            assertThat(TestServer.json(refused).get("error").asText()).isIn("invalid_client", "invalid_api_key");
            assertThat(refused.body()).doesNotContain("entries");
        }
    }

    @Test
    void withoutACursorEveryLiveEntryWithOneOnlyThoseSince() {
        Credentials client = server.createClient("acme");
        String start = feed(null).get("cursor").asText();
        String first = server.token(client).get("access_token").asText();
        revoke(client, first);
        String cursor = awaitEntry(start, "token", claim(first, "jti")).get("cursor").asText();
        String second = server.token(client).get("access_token").asText();
        revoke(client, second);

        JsonNode news = awaitEntry(cursor, "token", claim(second, "jti"));

        assertThat(ids(news)).containsExactly(claim(second, "jti"));
        assertThat(Long.parseLong(news.get("cursor").asText())).isGreaterThan(Long.parseLong(cursor));
        assertThat(ids(feed(null))).contains(claim(first, "jti"), claim(second, "jti"));
        assertThat(ids(feed(news.get("cursor").asText()))).isEmpty();
    }

    @Test
    void anEntryLeavesTheFeedOnceTheTokensItCoversHaveExpired() {
        Credentials client = server.createClient("acme");
        String accessToken = server.token(client).get("access_token").asText();
        revoke(client, accessToken);
        awaitEntry(null, "token", claim(accessToken, "jti"));

        server.clock().advance(ACCESS_TTL.plusSeconds(1));

        assertThat(ids(feed(null))).doesNotContain(claim(accessToken, "jti"));
        server.server().housekeep();
        assertThat(ids(feed(null))).doesNotContain(claim(accessToken, "jti"));
    }

    @Test
    void waitHoldsAnEmptyAnswerUntilSomethingIsNew() throws Exception {
        Credentials client = server.createClient("acme");
        String cursor = caughtUpCursor();
        CompletableFuture<HttpResponse<String>> held = HTTP.sendAsync(
                request("/oauth2/revocations?cursor=" + cursor + "&wait=20"), HttpResponse.BodyHandlers.ofString());
        MultiInstanceTest.assertWithin(Duration.ofSeconds(5), () -> gauge("latchkey_revocation_feed_followers") == 1);
        assertThat(held).isNotDone();

        String accessToken = server.token(client).get("access_token").asText();
        long revokedAt = System.nanoTime();
        revoke(client, accessToken);
        HttpResponse<String> answer = held.get(5, TimeUnit.SECONDS);

        assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(Duration.ofSeconds(1));
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(ids(TestServer.json(answer))).containsExactly(claim(accessToken, "jti"));
        assertThat(gauge("latchkey_revocation_feed_followers")).isZero();
    }

    @Test
    void aHeldPollWhoseCallerHungUpIsNoLongerFollowing() throws Exception {
        String cursor = caughtUpCursor();
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.uri("/").getPort())) {
            socket.getOutputStream().write(("GET /oauth2/revocations?wait=20&cursor=" + cursor + " HTTP/1.1\r\n"
                    + "Host: localhost\r\nX-API-Key: " + TestServer.ADMIN_KEY + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            MultiInstanceTest.assertWithin(Duration.ofSeconds(5), () -> gauge("latchkey_revocation_feed_followers") == 1);
        }

        MultiInstanceTest.assertWithin(Duration.ofSeconds(5), () -> gauge("latchkey_revocation_feed_followers") == 0);
    }

    @Test
    void waitWithNothingNewAnswersNoEntriesOnceTheTimeIsUp() {
        String cursor = caughtUpCursor();
        long asked = System.nanoTime();

        HttpResponse<String> answer = server.get("/oauth2/revocations?cursor=" + cursor + "&wait=1",
                "X-API-Key", TestServer.ADMIN_KEY);

        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(answer).get("entries").size()).isZero();
        assertThat(TestServer.json(answer).get("cursor").asText()).isEqualTo(cursor);
    }

    @Test
    void waitWithoutACursorAnswersEveryLiveEntryAtOnce() {
        long asked = System.nanoTime();

        HttpResponse<String> answer = server.get("/oauth2/revocations?wait=30", "X-API-Key", TestServer.ADMIN_KEY);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aWaitBeyondThirtySecondsOrABadCursorIsA400WithTheOAuthErrorBody() {
        for (String query : List.of("wait=31", "wait=-1", "wait=abc", "wait=", "wait=1.5", "wait=1&wait=2",
                "cursor=abc", "cursor=-1", "cursor=", "cursor=1e3", "cursor=99999999999999999999", "cursor=1&cursor=2")) {
            HttpResponse<String> answer = server.get("/oauth2/revocations?" + query, "X-API-Key", TestServer.ADMIN_KEY);

            assertThat(answer.statusCode()).as(query).isEqualTo(400);
            JsonNode body = TestServer.json(answer);
            assertThat(body.get("error").asText()).as(query).isEqualTo("invalid_request");
            assertThat(body.get("error_description").asText()).as(query).isNotBlank();
        }
        assertThat(server.get("/oauth2/revocations?wait=30&cursor=0", "X-API-Key", TestServer.ADMIN_KEY).statusCode())
                .isEqualTo(200); // cursor 0 predates everything: the whole list, at once
    }

    @Test
    void entriesOutliveARestartAndACursorFromBeforeItIsAnsweredWithEveryLiveEntry() {
        Credentials client = server.createClient("acme");
        String accessToken = server.token(client).get("access_token").asText();
        revoke(client, accessToken);
        Credentials deleted = server.createClient("gone");
        server.admin("DELETE", "/admin/clients/" + deleted.clientId(), null);
        awaitEntry(null, "client", deleted.clientId());
        String cursor = awaitEntry(null, "token", claim(accessToken, "jti")).get("cursor").asText();

        server.restart();

        assertThat(ids(feed(null))).contains(claim(accessToken, "jti"), deleted.clientId());
        // The cursor is the store's, not the instance's: nothing new since it, or (when this instance
        // cannot tell) every live entry again, never a part of them.
        List<String> since = ids(feed(cursor));
        assertThat(since.isEmpty() || since.containsAll(List.of(claim(accessToken, "jti"), deleted.clientId())))
                .as(since.toString()).isTrue();
    }

    @Test
    void theAnswerIsNeverCached() {
        HttpResponse<String> answer = server.get("/oauth2/revocations", "X-API-Key", TestServer.ADMIN_KEY);

        assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @Test
    void metricsShowTheFeedsSizeAndItsFollowers() {
        Credentials client = server.createClient("acme");
        String accessToken = server.token(client).get("access_token").asText();
        revoke(client, accessToken);
        awaitEntry(null, "token", claim(accessToken, "jti"));

        // Learnt from the change log within its poll, and held for those following with a cursor.
        MultiInstanceTest.assertWithin(Duration.ofSeconds(1), () -> gauge("latchkey_revocation_feed_entries") >= 1);
        assertThat(gauge("latchkey_revocation_feed_followers")).isZero();
    }

    private void revoke(Credentials client, String token) {
        assertThat(server.postForm("/oauth2/revoke", Map.of("token", token), "Authorization", client.basic())
                .statusCode()).isEqualTo(200);
    }

    private JsonNode feed(String cursor) {
        HttpResponse<String> answer = server.get("/oauth2/revocations" + (cursor == null ? "" : "?cursor=" + cursor),
                "X-API-Key", TestServer.ADMIN_KEY);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return TestServer.json(answer);
    }

    /**
     * A cursor after which nothing is new: revocations reach the feed through the change feed's
     * poll, so one made by an earlier test may still be on its way; once a fresh revocation is
     * listed after a cursor (so learnt by the feed, not only read from the store), every earlier
     * one has been learnt too.
     */
    private String caughtUpCursor() {
        String before = feed(null).get("cursor").asText();
        Credentials marker = server.createClient("marker");
        String accessToken = server.token(marker).get("access_token").asText();
        revoke(marker, accessToken);
        return awaitEntry(before, "token", claim(accessToken, "jti")).get("cursor").asText();
    }

    /** The feed once it lists {@code id}: the change feed brings a revocation within its poll. */
    private JsonNode awaitEntry(String cursor, String type, String id) {
        JsonNode[] last = new JsonNode[1];
        MultiInstanceTest.assertWithin(Duration.ofSeconds(1), () -> {
            last[0] = feed(cursor);
            return find(last[0], type, id) != null;
        });
        return last[0];
    }

    static JsonNode find(JsonNode feed, String type, String id) {
        for (JsonNode entry : feed.get("entries")) {
            if (entry.get("type").asText().equals(type) && entry.get("id").asText().equals(id)) {
                return entry;
            }
        }
        return null;
    }

    static List<String> ids(JsonNode feed) {
        List<String> ids = new ArrayList<>();
        feed.get("entries").forEach(entry -> ids.add(entry.get("id").asText()));
        return ids;
    }

    /** A claim of a JWT, as text, read without verifying it. */
    static String claim(String jwt, String name) {
        String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
        try {
            return TestServer.JSON.readTree(payload).get(name).asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(server.uri(path)).header("X-API-Key", TestServer.ADMIN_KEY)
                .timeout(Duration.ofSeconds(30)).GET().build();
    }

    private double gauge(String name) {
        return PrometheusText.parse(server.get("/metrics").body()).value(name);
    }
}
