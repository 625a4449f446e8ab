package io.latchkey.server;

import static io.latchkey.server.PipelineErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC §2's error table for {@code POST /pipeline/oauth2}, row by row, over real HTTP: status,
 * the {@code {"code","message","error"}} body, {@code WWW-Authenticate} on every 401, and no
 * echo of what the caller sent as a secret.
 */
class PipelineEndpointTest {
    private static final String PATH = "/pipeline/oauth2";
    private static final String KEY = TestServer.ADMIN_KEY;
    private static final int DEFAULT_BODY_LIMIT = 16 * 1024;

    @RegisterExtension
    static final TestServer server = TestServer.extension();

    // --- 400 invalid_request -----------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "partnerId=TestSystem&executionType=create",
            "{\"partnerId\":\"TestSystem\",\"executionType\":\"create\"",
            "{\"partnerId\":\"TestSystem\"} {\"executionType\":\"create\"}",
            "{partnerId: 'TestSystem'}",
            ""})
    void aBodyThatIsNotJsonIsAnInvalidRequest(String body) {
        assertError(server.postJson(PATH, body), 400, "invalid_request");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "[]",
            "[{\"partnerId\":\"TestSystem\",\"executionType\":\"create\",\"apikey\":\"" + KEY + "\"}]",
            "\"create\"",
            "42",
            "null"})
    void aBodyThatIsJsonButNotAnObjectIsAnInvalidRequest(String body) {
        assertError(server.postJson(PATH, body), 400, "invalid_request");
    }

    static Stream<Arguments> bodiesMissingARequiredField() {
        return Stream.of(
                Arguments.of("create without partnerId", Map.of("executionType", "create", "apikey", KEY)),
                Arguments.of("delete without clientId", Map.of("executionType", "delete", "apikey", KEY)),
                Arguments.of("token without username",
                        Map.of("grant_type", "client_credentials", "password", "some-secret")),
                Arguments.of("token without password",
                        Map.of("grant_type", "client_credentials", "username", "some-client")),
                Arguments.of("refresh without refresh_token", Map.of("grant_type", "refresh_token")),
                Arguments.of("neither executionType nor grant_type", Map.of("partnerId", "TestSystem", "apikey", KEY)),
                Arguments.of("empty object", Map.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodiesMissingARequiredField")
    void aMissingRequiredFieldIsAnInvalidRequest(String description, Map<String, Object> body) {
        assertError(server.pipeline(body), 400, "invalid_request");
    }

    static Stream<Arguments> bodiesWithAFieldOfTheWrongType() {
        return Stream.of(
                Arguments.of("partnerId as number", "{\"partnerId\":42,\"executionType\":\"create\",\"apikey\":\"" + KEY + "\"}"),
                Arguments.of("partnerId as array",
                        "{\"partnerId\":[\"TestSystem\"],\"executionType\":\"create\",\"apikey\":\"" + KEY + "\"}"),
                Arguments.of("executionType as number", "{\"partnerId\":\"TestSystem\",\"executionType\":1,\"apikey\":\"" + KEY + "\"}"),
                Arguments.of("apikey as number", "{\"partnerId\":\"TestSystem\",\"executionType\":\"create\",\"apikey\":42}"),
                Arguments.of("clientId as object", "{\"clientId\":{},\"executionType\":\"delete\",\"apikey\":\"" + KEY + "\"}"),
                Arguments.of("username as number",
                        "{\"username\":123,\"password\":\"some-secret\",\"grant_type\":\"client_credentials\"}"),
                Arguments.of("password as boolean",
                        "{\"username\":\"some-client\",\"password\":true,\"grant_type\":\"client_credentials\"}"),
                Arguments.of("grant_type as array", "{\"grant_type\":[\"refresh_token\"],\"refresh_token\":\"x\"}"),
                Arguments.of("refresh_token as object", "{\"grant_type\":\"refresh_token\",\"refresh_token\":{}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodiesWithAFieldOfTheWrongType")
    void aFieldOfTheWrongJsonTypeIsAnInvalidRequest(String description, String body) {
        assertError(server.postJson(PATH, body), 400, "invalid_request");
    }

    @Test
    void aNumericPartnerIdIsRefusedNotCoercedToAString() {
        String partnerId = "4242" + Math.abs(UUID.randomUUID().getMostSignificantBits() % 100_000);
        HttpResponse<String> response = server.postJson(PATH,
                "{\"partnerId\":" + partnerId + ",\"executionType\":\"create\",\"apikey\":\"" + KEY + "\"}");

        assertError(response, 400, "invalid_request");
        JsonNode listed = TestServer.json(server.admin("GET", "/admin/clients?partnerId=" + partnerId, null));
        assertThat(listed.get("clients")).isEmpty();
    }

    @Test
    void anUnknownExecutionTypeIsAnInvalidRequest() {
        assertError(server.pipeline(Map.of("partnerId", "TestSystem", "executionType", "update", "apikey", KEY)),
                400, "invalid_request");
    }

    @Test
    void duplicatedJsonKeysAreAnInvalidRequest() {
        HttpResponse<String> response = server.postJson(PATH,
                "{\"partnerId\":\"A\",\"partnerId\":\"B\",\"executionType\":\"create\",\"apikey\":\"" + KEY + "\"}");

        assertError(response, 400, "invalid_request");
    }

    @Test
    void duplicatedCredentialKeysAreAnInvalidRequestNotAnAuthenticationAttempt() {
        TestServer.Credentials client = createClient();
        HttpResponse<String> response = server.postJson(PATH, "{\"username\":\"" + client.clientId()
                + "\",\"password\":\"wrong\",\"password\":\"" + client.secret()
                + "\",\"grant_type\":\"client_credentials\"}");

        assertError(response, 400, "invalid_request");
    }

    // --- 400 unsupported_grant_type ----------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"password", "authorization_code", "CLIENT_CREDENTIALS"})
    void anUnknownGrantTypeIsUnsupported(String grantType) {
        TestServer.Credentials client = createClient();
        HttpResponse<String> response = server.pipeline(Map.of(
                "username", client.clientId(), "password", client.secret(), "grant_type", grantType));

        assertError(response, 400, "unsupported_grant_type");
    }

    // --- 401 invalid_api_key -----------------------------------------------------------------

    @Test
    void createWithoutAnApiKeyIsUnauthorized() {
        assertError(server.pipeline(Map.of("partnerId", "TestSystem", "executionType", "create")),
                401, "invalid_api_key");
    }

    @Test
    void createWithAWrongApiKeyIsUnauthorized() {
        assertError(server.pipeline(Map.of("partnerId", "TestSystem", "executionType", "create",
                "apikey", KEY + "x")), 401, "invalid_api_key");
    }

    @Test
    void deleteWithoutAnApiKeyIsUnauthorizedAndKeepsTheClient() {
        TestServer.Credentials client = createClient();

        assertError(server.pipeline(Map.of("clientId", client.clientId(), "executionType", "delete")),
                401, "invalid_api_key");
        assertThat(issueTokens(client).statusCode()).isEqualTo(200);
    }

    @Test
    void deleteWithAWrongApiKeyIsUnauthorizedAndKeepsTheClient() {
        TestServer.Credentials client = createClient();

        assertError(server.pipeline(Map.of("clientId", client.clientId(), "executionType", "delete",
                "apikey", "lk_not-a-real-key")), 401, "invalid_api_key");
        assertThat(issueTokens(client).statusCode()).isEqualTo(200);
    }

    @Test
    void anEmptyApiKeyIsUnauthorized() {
        assertError(server.pipeline(Map.of("partnerId", "TestSystem", "executionType", "create", "apikey", "")),
                401, "invalid_api_key");
    }

    // --- 401 invalid_client ------------------------------------------------------------------

    @Test
    void anUnknownClientIsUnauthorized() {
        assertError(server.pipeline(Map.of("username", "AAAAAAAAAAAAAAAAAAAAAA", "password", randomSecret(),
                "grant_type", "client_credentials")), 401, "invalid_client");
    }

    @Test
    void aMalformedClientIdIsUnauthorizedLikeAnUnknownOne() {
        assertError(server.pipeline(Map.of("username", "not a client id!", "password", randomSecret(),
                "grant_type", "client_credentials")), 401, "invalid_client");
    }

    @Test
    void aWrongSecretIsUnauthorized() {
        TestServer.Credentials client = createClient();

        assertError(server.pipeline(Map.of("username", client.clientId(), "password", client.secret() + "x",
                "grant_type", "client_credentials")), 401, "invalid_client");
    }

    @Test
    void anEmptySecretIsUnauthorizedOrInvalid() {
        TestServer.Credentials client = createClient();

        HttpResponse<String> response = server.pipeline(Map.of("username", client.clientId(), "password", "",
                "grant_type", "client_credentials"));

        assertThat(response.statusCode()).isIn(400, 401);
        assertError(response, response.statusCode(), response.statusCode() == 401 ? "invalid_client" : "invalid_request");
    }

    @Test
    void aDeletedClientIsUnauthorized() {
        TestServer.Credentials client = createClient();
        assertThat(deleteClient(client.clientId()).statusCode()).isEqualTo(200);

        assertError(issueTokens(client), 401, "invalid_client");
    }

    // --- 400 invalid_grant -------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"not-a-jwt", "eyJhbGciOiJIUzUxMiJ9.e30.c2lnbmF0dXJl", "a.b.c"})
    void anInvalidRefreshTokenIsAnInvalidGrant(String refreshToken) {
        assertError(refresh(refreshToken), 400, "invalid_grant");
    }

    @Test
    void aRefreshTokenWithATamperedSignatureIsAnInvalidGrant() {
        String refreshToken = tokensOf(createClient()).get("refresh_token").asText();
        String tampered = refreshToken.substring(0, refreshToken.length() - 4)
                + (refreshToken.endsWith("AAAA") ? "BBBB" : "AAAA");

        assertError(refresh(tampered), 400, "invalid_grant");
    }

    @Test
    void anAccessTokenPresentedAsRefreshTokenIsAnInvalidGrant() {
        String accessToken = tokensOf(createClient()).get("access_token").asText();

        assertError(refresh(accessToken), 400, "invalid_grant");
    }

    @Test
    void anExpiredRefreshTokenIsAnInvalidGrant() {
        String refreshToken = tokensOf(createClient()).get("refresh_token").asText();

        server.clock().advance(Duration.ofDays(30).plusSeconds(1)); // past the default P30D refresh TTL

        assertError(refresh(refreshToken), 400, "invalid_grant");
    }

    @Test
    void aRefreshTokenIsValidUntilItsTtlEnds() {
        String refreshToken = tokensOf(createClient()).get("refresh_token").asText();

        server.clock().advance(Duration.ofDays(30).minusSeconds(5));

        assertThat(refresh(refreshToken).statusCode()).isEqualTo(200);
    }

    @Test
    void aRefreshTokenUsedTwiceIsAnInvalidGrant() {
        String refreshToken = tokensOf(createClient()).get("refresh_token").asText();
        assertThat(refresh(refreshToken).statusCode()).isEqualTo(200);

        assertError(refresh(refreshToken), 400, "invalid_grant");
    }

    @Test
    void reusingARefreshTokenRevokesItsSuccessorToo() {
        String first = tokensOf(createClient()).get("refresh_token").asText();
        HttpResponse<String> rotated = refresh(first);
        assertThat(rotated.statusCode()).isEqualTo(200);
        String successor = TestServer.json(rotated).get("refresh_token").asText();

        assertError(refresh(first), 400, "invalid_grant");
        assertError(refresh(successor), 400, "invalid_grant");
    }

    @Test
    void aRevokedRefreshTokenIsAnInvalidGrant() {
        TestServer.Credentials client = createClient();
        String refreshToken = tokensOf(client).get("refresh_token").asText();
        HttpResponse<String> revoked = server.postForm("/oauth2/revoke", Map.of("token", refreshToken),
                "Authorization", client.basic());
        assertThat(revoked.statusCode()).isEqualTo(200);

        assertError(refresh(refreshToken), 400, "invalid_grant");
    }

    @Test
    void aRefreshTokenOfADeletedClientIsAnInvalidGrant() {
        TestServer.Credentials client = createClient();
        String refreshToken = tokensOf(client).get("refresh_token").asText();
        assertThat(deleteClient(client.clientId()).statusCode()).isEqualTo(200);

        assertError(refresh(refreshToken), 400, "invalid_grant");
    }

    // --- 404 not_found -----------------------------------------------------------------------

    @Test
    void deleteOfAnUnknownClientIdIsNotFound() {
        assertError(deleteClient("AAAAAAAAAAAAAAAAAAAAAA"), 404, "not_found");
    }

    @Test
    void deleteOfAnAlreadyDeletedClientIdIsNotFound() {
        TestServer.Credentials client = createClient();
        assertThat(deleteClient(client.clientId()).statusCode()).isEqualTo(200);

        assertError(deleteClient(client.clientId()), 404, "not_found");
    }

    @Test
    void deleteOfAMalformedClientIdIsNotFound() {
        assertError(deleteClient("../../etc/passwd"), 404, "not_found");
    }

    // --- 413 request_too_large ---------------------------------------------------------------

    @Test
    void aBodyOverTheSizeLimitIsTooLarge() {
        String body = paddedCreateBody(DEFAULT_BODY_LIMIT + 1);

        assertError(server.postJson(PATH, body), 413, "request_too_large");
    }

    @Test
    void aBodyFarOverTheSizeLimitIsTooLarge() {
        String body = paddedCreateBody(DEFAULT_BODY_LIMIT * 4);

        assertError(server.postJson(PATH, body), 413, "request_too_large");
    }

    @Test
    void aChunkedBodyOverTheSizeLimitIsTooLarge() {
        byte[] body = paddedCreateBody(DEFAULT_BODY_LIMIT * 2).getBytes(StandardCharsets.UTF_8);
        // A stream of unknown length goes out chunked: no Content-Length to refuse it by up front.
        HttpRequest request = HttpRequest.newBuilder(server.uri(PATH))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
                .build();

        assertError(server.send(request), 413, "request_too_large");
    }

    @Test
    void aClientThatAwaitsOneHundredContinueIsServed() {
        HttpRequest request = HttpRequest.newBuilder(server.uri(PATH))
                .header("Content-Type", "application/json")
                .expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"partnerId\":\"P\",\"executionType\":\"create\",\"apikey\":\"" + KEY + "\"}"))
                .build();

        assertThat(server.send(request).statusCode()).isEqualTo(200);
    }

    @Test
    void anExpectationOtherThanContinueIsRefused() {
        RawHttp.Response response = RawHttp.exchange(server.server().port(), "POST", PATH,
                List.of("Content-Type", "application/json", "Expect", "the-unexpected"),
                "{}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("invalid_request");
    }

    @Test
    void aBodyOfExactlyTheSizeLimitIsAccepted() {
        String body = paddedCreateBody(DEFAULT_BODY_LIMIT);

        assertThat(server.postJson(PATH, body).statusCode()).isEqualTo(200);
    }

    // --- 415 unsupported_media_type ----------------------------------------------------------

    @Test
    void aTextPlainBodyIsAnUnsupportedMediaType() {
        String json = TestServer.write(Map.of("partnerId", "TestSystem", "executionType", "create", "apikey", KEY));
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri(PATH))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(json)).build());

        assertError(response, 415, "unsupported_media_type");
    }

    @Test
    void aFormBodyIsAnUnsupportedMediaType() {
        HttpResponse<String> response = server.postForm(PATH,
                Map.of("partnerId", "TestSystem", "executionType", "create", "apikey", KEY));

        assertError(response, 415, "unsupported_media_type");
    }

    @Test
    void aBodyWithoutContentTypeIsAnUnsupportedMediaType() {
        String json = TestServer.write(Map.of("partnerId", "TestSystem", "executionType", "create", "apikey", KEY));
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri(PATH))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());

        assertThat(response.request().headers().firstValue("Content-Type")).isEmpty();
        assertError(response, 415, "unsupported_media_type");
    }

    @Test
    void jsonWithACharsetParameterIsAccepted() {
        String json = TestServer.write(Map.of("partnerId", "TestSystem", "executionType", "create", "apikey", KEY));
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri(PATH))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());

        assertThat(response.statusCode()).isEqualTo(200);
    }

    // --- no secrets echoed, no caching of secrets --------------------------------------------

    @Test
    void noErrorResponseEchoesTheSecretTokenOrApiKeyItWasSent() {
        TestServer.Credentials client = createClient();
        String wrongSecret = randomSecret();
        String wrongApiKey = "lk_" + randomSecret();
        String usedRefreshToken = tokensOf(client).get("refresh_token").asText();
        assertThat(refresh(usedRefreshToken).statusCode()).isEqualTo(200);

        Map<String, HttpResponse<String>> failures = new LinkedHashMap<>();
        failures.put(wrongSecret, server.pipeline(Map.of("username", client.clientId(), "password", wrongSecret,
                "grant_type", "client_credentials")));
        failures.put(client.secret(), server.pipeline(Map.of("username", "AAAAAAAAAAAAAAAAAAAAAA",
                "password", client.secret(), "grant_type", "client_credentials")));
        failures.put(wrongApiKey, server.pipeline(Map.of("partnerId", "TestSystem", "executionType", "create",
                "apikey", wrongApiKey)));
        failures.put(usedRefreshToken, refresh(usedRefreshToken));
        failures.put(client.secret() + "!", server.postJson(PATH, "{\"username\":\"" + client.clientId()
                + "\",\"password\":\"" + client.secret() + "!\",\"grant_type\":\"client_credentials\""));
        failures.put(KEY, server.postJson(PATH,
                "{\"partnerId\":\"A\",\"partnerId\":\"B\",\"executionType\":\"create\",\"apikey\":\"" + KEY + "\"}"));
        failures.put(wrongSecret + "?", server.pipeline(Map.of("username", client.clientId(),
                "password", wrongSecret + "?", "grant_type", wrongSecret + "?")));
        failures.put(wrongApiKey + "?", server.pipeline(Map.of("partnerId", "TestSystem",
                "executionType", wrongApiKey + "?", "apikey", KEY)));
        String oversizedSecret = randomSecret();
        failures.put(oversizedSecret, server.postJson(PATH, "{\"username\":\"" + client.clientId() + "\",\"password\":\""
                + oversizedSecret + "\",\"grant_type\":\"client_credentials\",\"pad\":\"" + "x".repeat(DEFAULT_BODY_LIMIT)
                + "\"}"));
        failures.put(usedRefreshToken + "x", server.postJson(PATH, "{\"grant_type\":\"refresh_token\",\"refresh_token\":\""
                + usedRefreshToken + "x\"}"));

        failures.forEach((sent, response) -> {
            assertThat(response.statusCode()).as("a failure: %s", response.body()).isGreaterThanOrEqualTo(400);
            assertThat(response.body()).doesNotContain(sent);
            assertThat(response.headers().map().toString()).doesNotContain(sent);
        });
    }

    @Test
    void everyPipelineAnswerCarryingASecretOrTokenIsNotCached() {
        HttpResponse<String> created = server.pipeline(Map.of(
                "partnerId", "TestSystem", "executionType", "create", "apikey", KEY));
        assertThat(created.statusCode()).isEqualTo(200);
        assertNoStore(created);
        JsonNode credentials = TestServer.json(created);

        HttpResponse<String> issued = server.pipeline(Map.of("username", credentials.get("clientId").asText(),
                "password", credentials.get("clientSecret").asText(), "grant_type", "client_credentials"));
        assertThat(issued.statusCode()).isEqualTo(200);
        assertNoStore(issued);

        HttpResponse<String> refreshed = refresh(TestServer.json(issued).get("refresh_token").asText());
        assertThat(refreshed.statusCode()).isEqualTo(200);
        assertNoStore(refreshed);
    }

    // --- helpers -----------------------------------------------------------------------------

    private static void assertNoStore(HttpResponse<String> response) {
        List<String> cacheControl = response.headers().allValues("Cache-Control");
        assertThat(String.join(",", cacheControl)).as("Cache-Control").contains("no-store");
    }

    private static TestServer.Credentials createClient() {
        HttpResponse<String> created = server.pipeline(Map.of(
                "partnerId", "TestSystem", "executionType", "create", "apikey", KEY));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        JsonNode json = TestServer.json(created);
        return new TestServer.Credentials(json.get("clientId").asText(), json.get("clientSecret").asText());
    }

    private static HttpResponse<String> issueTokens(TestServer.Credentials client) {
        return server.pipeline(Map.of("username", client.clientId(), "password", client.secret(),
                "grant_type", "client_credentials"));
    }

    private static JsonNode tokensOf(TestServer.Credentials client) {
        HttpResponse<String> issued = issueTokens(client);
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        return TestServer.json(issued);
    }

    private static HttpResponse<String> refresh(String refreshToken) {
        return server.pipeline(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
    }

    private static HttpResponse<String> deleteClient(String clientId) {
        return server.pipeline(Map.of("clientId", clientId, "executionType", "delete", "apikey", KEY));
    }

    private static String randomSecret() {
        return UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
    }

    /** A valid create request, padded with JSON whitespace to exactly {@code size} bytes. */
    private static String paddedCreateBody(int size) {
        String body = "{\"partnerId\":\"TestSystem\",\"executionType\":\"create\",\"apikey\":\"" + KEY + "\"";
        int padding = size - body.getBytes(StandardCharsets.UTF_8).length - 1;
        String padded = body + " ".repeat(padding) + "}";
        assertThat(padded.getBytes(StandardCharsets.UTF_8)).hasSize(size);
        return padded;
    }
}
