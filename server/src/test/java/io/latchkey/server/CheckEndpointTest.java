package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.OAuthRequests.Tokens;
import io.latchkey.server.TestServer.Credentials;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §8: {@code /oauth2/check} tells a gateway whether a request may through, with no caller
 * authentication: 200 with the token's {@code X-Latchkey-*} headers for a live access token of this
 * server with the audience and scopes asked for; 401 with an RFC 6750 challenge for a token that is
 * missing, malformed, expired, revoked or not this server's; 403 for the wrong audience or too few
 * scopes. Never a body.
 */
class CheckEndpointTest {
    private static TestServer server;
    private static Credentials client;

    @BeforeAll
    static void start() {
        server = TestServer.start(config -> config.audience("orders"));
        client = server.createClient("acme", "orders:read", "orders:write");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aLiveAccessTokenPassesWithItsClientPartnerScopesAndSubjectInHeaders() {
        HttpResponse<String> response = check("GET", "/oauth2/check", bearer(accessToken()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
        assertThat(header(response, "X-Latchkey-Client-Id")).isEqualTo(client.clientId());
        assertThat(header(response, "X-Latchkey-Subject")).isEqualTo(client.clientId());
        assertThat(header(response, "X-Latchkey-Partner-Id")).isEqualTo("acme");
        assertThat(header(response, "X-Latchkey-Scope")).isEqualTo("orders:read orders:write");
        assertThat(header(response, "Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void anyMethodAndAnyPathBelowTheEndpointIsTheSameCheck() {
        String token = accessToken();
        for (String method : new String[] {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"}) {
            for (String path : new String[] {"/oauth2/check", "/oauth2/check/", "/oauth2/check/orders/42?x=1"}) {
                assertThat(check(method, path, bearer(token)).statusCode()).as(method + " " + path).isEqualTo(200);
                assertThat(check(method, path).statusCode()).as(method + " " + path).isEqualTo(401);
            }
        }
        assertThat(check("GET", "/oauth2/checkout", bearer(token)).statusCode()).isEqualTo(404);
    }

    @Test
    void aBodySentWithTheCheckIsIgnored() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/oauth2/check"))
                .header("Authorization", "Bearer " + accessToken())
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000))).build());

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void noTokenIsAChallengeWithoutAnErrorCode() {
        for (String[] headers : new String[][] {{}, {"Authorization", "Basic YTpi"}}) {
            HttpResponse<String> response = check("GET", "/oauth2/check", headers);

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(header(response, "WWW-Authenticate")).isEqualTo("Bearer realm=\"latchkey\"");
            assertThat(response.body()).isEmpty();
        }
    }

    @Test
    void aMalformedTokenIsInvalidToken() {
        for (String token : new String[] {"garbage", "a.b.c", accessToken() + "x", accessToken().replace('.', ',')}) {
            assertInvalidToken(check("GET", "/oauth2/check", bearer(token)));
        }
    }

    @Test
    void anExpiredTokenIsInvalidToken() {
        try (TestServer own = TestServer.start()) {
            Credentials ownClient = own.createClient("acme");
            String token = own.token(ownClient).get("access_token").asText();
            assertThat(own.send(checkRequest(own, "GET", "/oauth2/check", bearer(token))).statusCode()).isEqualTo(200);

            own.clock().advance(Duration.ofHours(2));

            assertInvalidToken(own.send(checkRequest(own, "GET", "/oauth2/check", bearer(token))));
        }
    }

    @Test
    void aRefreshTokenIsNoBearerToken() {
        String refresh = server.token(client).get("refresh_token").asText();

        assertInvalidToken(check("GET", "/oauth2/check", bearer(refresh)));
    }

    @Test
    void aTokenOfAnotherServerOrKeyIsInvalidToken() {
        try (TestServer other = TestServer.start(config -> config.audience("orders"))) {
            Credentials otherClient = other.createClient("acme", "orders:read");
            String foreign = other.token(otherClient).get("access_token").asText();

            assertInvalidToken(check("GET", "/oauth2/check", bearer(foreign)));
        }
    }

    @Test
    void aRevokedAccessTokenIsRefusedAtOnce() {
        String token = accessToken();
        assertThat(check("GET", "/oauth2/check", bearer(token)).statusCode()).isEqualTo(200);

        OAuthRequests.revoke(server, client, token);

        assertInvalidToken(check("GET", "/oauth2/check", bearer(token)));
    }

    @Test
    void revokingTheRefreshTokenRefusesTheAccessTokensOfItsFamily() {
        Tokens tokens = Tokens.of(server.token(client));
        assertThat(check("GET", "/oauth2/check", bearer(tokens.accessToken())).statusCode()).isEqualTo(200);

        OAuthRequests.revoke(server, client, tokens.refreshToken());

        assertInvalidToken(check("GET", "/oauth2/check", bearer(tokens.accessToken())));
    }

    @Test
    void aDeletedClientsTokenIsRefused() {
        Credentials doomed = server.createClient("acme", "orders:read");
        String token = server.token(doomed).get("access_token").asText();
        assertThat(check("GET", "/oauth2/check", bearer(token)).statusCode()).isEqualTo(200);

        assertThat(server.admin("DELETE", "/admin/clients/" + doomed.clientId(), null).statusCode()).isEqualTo(200);

        assertInvalidToken(check("GET", "/oauth2/check", bearer(token)));
    }

    @Test
    void aClientNotInTheCacheIsLookedUpInTheStore() {
        try (TestServer own = TestServer.start(config -> config.issuer("https://latchkey.example"))) {
            Credentials ownClient = own.createClient("acme", "orders:read");
            String token = own.token(ownClient).get("access_token").asText();

            own.restart(); // an empty client cache: the check reads the client once, on a worker

            assertThat(own.send(checkRequest(own, "GET", "/oauth2/check", bearer(token))).statusCode()).isEqualTo(200);
            assertThat(own.admin("DELETE", "/admin/clients/" + ownClient.clientId(), null).statusCode()).isEqualTo(200);
            assertInvalidToken(own.send(checkRequest(own, "GET", "/oauth2/check", bearer(token))));
        }
    }

    @Test
    void theAudienceComesFromTheQueryOrTheHeader() {
        String token = accessToken();
        assertThat(check("GET", "/oauth2/check?aud=orders", bearer(token)).statusCode()).isEqualTo(200);
        assertThat(check("GET", "/oauth2/check", bearer(token), "X-Latchkey-Audience", "orders").statusCode())
                .isEqualTo(200);

        assertInsufficientScope(check("GET", "/oauth2/check?aud=billing", bearer(token)));
        assertInsufficientScope(check("GET", "/oauth2/check", bearer(token), "X-Latchkey-Audience", "billing"));
    }

    @Test
    void everyScopeAskedForIsNeededFromTheQueryOrTheHeader() {
        String token = server.token(client, "scope", "orders:read").get("access_token").asText();
        assertThat(check("GET", "/oauth2/check?scope=orders:read", bearer(token)).statusCode()).isEqualTo(200);
        assertThat(check("GET", "/oauth2/check", bearer(token), "X-Latchkey-Scope", "orders:read").statusCode())
                .isEqualTo(200);

        assertInsufficientScope(check("GET", "/oauth2/check?scope=orders:read%20orders:write", bearer(token)));
        assertInsufficientScope(check("GET", "/oauth2/check", bearer(token), "X-Latchkey-Scope", "orders:write"));
        assertInsufficientScope(check("GET", "/oauth2/check?aud=orders&scope=admin", bearer(token)));
    }

    @Test
    void aBearerSchemeIsReadWhateverItsCase() {
        assertThat(check("GET", "/oauth2/check", "Authorization", "bearer " + accessToken()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void aDpopTokenIsRefusedUntilThisServerIssuesBoundTokens() {
        assertInvalidToken(check("GET", "/oauth2/check", "Authorization", "DPoP " + accessToken()));
    }

    @Test
    void metricsCountTheChecksAnswersByStatus() {
        String token = accessToken();
        check("GET", "/oauth2/check", bearer(token));
        check("POST", "/oauth2/check/x", bearer("garbage"));
        check("GET", "/oauth2/check?aud=billing", bearer(token));

        PrometheusText metrics = PrometheusText.parse(server.get("/metrics").body());

        for (String status : new String[] {"200", "401", "403"}) {
            assertThat(metrics.value("latchkey_http_requests_seconds_count",
                    "route", "/oauth2/check", "method", "ANY", "status", status)).as(status).isPositive();
        }
    }

    private static String accessToken() {
        return server.token(client).get("access_token").asText();
    }

    private static String[] bearer(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }

    private static HttpResponse<String> check(String method, String path, String... headers) {
        return server.send(checkRequest(server, method, path, headers));
    }

    private static HttpResponse<String> check(String method, String path, String[] headers, String name, String value) {
        String[] all = java.util.Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = name;
        all[headers.length + 1] = value;
        return check(method, path, all);
    }

    private static HttpRequest checkRequest(TestServer at, String method, String path, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(at.uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return builder.build();
    }

    private static String header(HttpResponse<String> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    private static void assertInvalidToken(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(header(response, "WWW-Authenticate")).isEqualTo("Bearer realm=\"latchkey\", error=\"invalid_token\"");
        assertThat(header(response, "X-Latchkey-Client-Id")).isNull();
        assertThat(response.body()).isEmpty();
    }

    private static void assertInsufficientScope(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(header(response, "WWW-Authenticate"))
                .isEqualTo("Bearer realm=\"latchkey\", error=\"insufficient_scope\"");
        assertThat(header(response, "X-Latchkey-Client-Id")).isNull();
        assertThat(response.body()).isEmpty();
    }
}
