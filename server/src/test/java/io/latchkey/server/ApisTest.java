package io.latchkey.server;

import static io.latchkey.server.PipelineErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.latchkey.server.TestServer.Credentials;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC §6 over real HTTP, sentence by sentence: APIs as audiences with their scopes and token
 * lifetime, clients' grants to them, {@code resource} on both token endpoints, and revocation
 * that reaches introspection at once.
 */
class ApisTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    // --- /admin/apis -----------------------------------------------------------------------

    @Test
    void registeringAnApiAnswers201WithItsIdIdentifierNameScopesLifetimeAndCreation() {
        String identifier = uniqueIdentifier();
        HttpResponse<String> response = server.admin("POST", "/admin/apis", TestServer.write(Map.of(
                "identifier", identifier, "name", "Orders", "scopes", List.of("orders:read", "orders:write"),
                "accessTokenTtl", "PT5M")));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode body = TestServer.json(response);
        assertThat(body.get("id").asText()).isNotBlank();
        assertThat(body.get("identifier").asText()).isEqualTo(identifier);
        assertThat(body.get("name").asText()).isEqualTo("Orders");
        assertThat(texts(body.get("scopes"))).containsExactly("orders:read", "orders:write");
        assertThat(body.get("accessTokenTtl").asText()).isEqualTo("PT5M");
        assertThat(Instant.parse(body.get("createdAt").asText())).isNotNull();
    }

    @Test
    void aTakenIdentifierAnswers409Conflict() {
        String identifier = uniqueIdentifier();
        createApi(identifier, null, "a");

        assertError(server.admin("POST", "/admin/apis", TestServer.write(Map.of("identifier", identifier,
                "scopes", List.of("a")))), 409, "conflict");
    }

    @ParameterizedTest
    @ValueSource(strings = {"orders", "/orders", "https://api.example.com/orders#v1", "https://api.example.com/#",
        "not a uri", ""})
    void anIdentifierThatIsNotAnAbsoluteUriWithoutFragmentAnswers400(String identifier) {
        assertError(server.admin("POST", "/admin/apis", TestServer.write(Map.of("identifier", identifier,
                "scopes", List.of("a")))), 400, "invalid_request");
    }

    @ParameterizedTest
    @ValueSource(strings = {"5 minutes", "PT0S", "-PT5M", "P1M", "PT0.5S", "P400D", "300"})
    void aLifetimeThatIsNotAPositiveIso8601DurationAnswers400(String ttl) {
        assertError(server.admin("POST", "/admin/apis", TestServer.write(Map.of("identifier", uniqueIdentifier(),
                "scopes", List.of("a"), "accessTokenTtl", ttl))), 400, "invalid_request");
        assertError(server.admin("PATCH", "/admin/clients/" + server.createClient("acme").clientId(),
                TestServer.write(Map.of("accessTokenTtl", ttl))), 400, "invalid_request");
    }

    @Test
    void apisAreListedReadChangedAndRemoved() {
        JsonNode api = createApi(uniqueIdentifier(), "PT10M", "r", "w");
        String id = api.get("id").asText();

        JsonNode listed = TestServer.json(server.admin("GET", "/admin/apis", null));
        assertThat(listed.get("apis").findValuesAsText("id")).contains(id);
        assertThat(TestServer.json(server.admin("GET", "/admin/apis/" + id, null))).isEqualTo(api);

        HttpResponse<String> patched = server.admin("PATCH", "/admin/apis/" + id,
                "{\"name\":\"Renamed\",\"scopes\":[\"r\",\"x\"],\"accessTokenTtl\":\"PT1M\"}");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        JsonNode changed = TestServer.json(patched);
        assertThat(changed.get("name").asText()).isEqualTo("Renamed");
        assertThat(texts(changed.get("scopes"))).containsExactly("r", "x");
        assertThat(changed.get("accessTokenTtl").asText()).isEqualTo("PT1M");
        assertThat(changed.get("identifier")).isEqualTo(api.get("identifier"));
        assertThat(TestServer.json(server.admin("PATCH", "/admin/apis/" + id, "{\"accessTokenTtl\":null}"))
                .get("accessTokenTtl").isNull()).isTrue();

        assertThat(server.admin("DELETE", "/admin/apis/" + id, null).statusCode()).isEqualTo(200);
        assertError(server.admin("GET", "/admin/apis/" + id, null), 404, "not_found");
        assertError(server.admin("DELETE", "/admin/apis/" + id, null), 404, "not_found");
        assertError(server.admin("PATCH", "/admin/apis/" + id, "{\"name\":\"x\"}"), 404, "not_found");
    }

    @Test
    void theAdminRoutesOfApisRequireAnAdminKey() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/admin/apis")).GET().build());
        assertError(response, 401, "invalid_api_key");
    }

    // --- grants ---------------------------------------------------------------------------

    @Test
    void aGrantGivesASubsetOfTheApisScopesAndIsListedAndWithdrawn() {
        JsonNode api = createApi(uniqueIdentifier(), null, "r", "w");
        Credentials client = server.createClient("acme");

        HttpResponse<String> granted = grant(client, api, "r");
        assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
        assertThat(TestServer.json(granted).get("apiId").asText()).isEqualTo(api.get("id").asText());
        assertThat(texts(TestServer.json(granted).get("scopes"))).containsExactly("r");

        JsonNode grants = TestServer.json(server.admin("GET", "/admin/clients/" + client.clientId() + "/apis", null));
        assertThat(grants.get("grants")).hasSize(1);
        assertThat(grants.get("grants").get(0).get("identifier").asText()).isEqualTo(api.get("identifier").asText());

        assertThat(server.admin("DELETE", apisOf(client, api), null).statusCode()).isEqualTo(200);
        assertThat(TestServer.json(server.admin("GET", "/admin/clients/" + client.clientId() + "/apis", null))
                .get("grants")).isEmpty();
        assertError(server.admin("DELETE", apisOf(client, api), null), 404, "not_found");
    }

    @Test
    void aGrantOfAScopeTheApiLacksAnswers400() {
        JsonNode api = createApi(uniqueIdentifier(), null, "r");
        assertError(grant(server.createClient("acme"), api, "r", "admin"), 400, "invalid_request");
    }

    @Test
    void aGrantOfAnUnknownApiOrToAnUnknownClientAnswers404() {
        JsonNode api = createApi(uniqueIdentifier(), null, "r");
        Credentials client = server.createClient("acme");
        assertError(server.admin("PUT", "/admin/clients/" + client.clientId() + "/apis/nosuchapi",
                "{\"scopes\":[]}"), 404, "not_found");
        assertError(server.admin("PUT", "/admin/clients/nosuchclient/apis/" + api.get("id").asText(),
                "{\"scopes\":[]}"), 404, "not_found");
    }

    @Test
    void patchingAClientChangesItsNameScopesAndLifetimeCap() {
        Credentials client = server.createClient("acme", "a");
        HttpResponse<String> patched = server.admin("PATCH", "/admin/clients/" + client.clientId(),
                "{\"name\":\"ERP\",\"scopes\":[\"a\",\"b\"],\"accessTokenTtl\":\"PT2M\"}");

        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        JsonNode body = TestServer.json(patched);
        assertThat(body.get("name").asText()).isEqualTo("ERP");
        assertThat(texts(body.get("scopes"))).containsExactly("a", "b");
        assertThat(body.get("accessTokenTtl").asText()).isEqualTo("PT2M");
        JsonNode token = server.token(client);
        assertThat(token.get("scope").asText()).isEqualTo("a b");
        assertThat(token.get("expires_in").asLong()).isEqualTo(120);
        assertError(server.admin("PATCH", "/admin/clients/nosuchclient", "{\"name\":\"x\"}"), 404, "not_found");
    }

    // --- tokens ----------------------------------------------------------------------------

    @Test
    void aTokenForAResourceCarriesItsAudienceTheGrantedScopesAndTheApisLifetime() throws Exception {
        JsonNode api = createApi(uniqueIdentifier(), "PT5M", "r", "w", "x");
        Credentials client = server.createClient("acme", "own");
        grant(client, api, "r", "w");

        JsonNode tokens = server.token(client, "resource", api.get("identifier").asText());

        JWTClaimsSet claims = claims(tokens.get("access_token").asText());
        assertThat(claims.getAudience()).containsExactly(api.get("identifier").asText());
        assertThat(claims.getStringClaim("scope")).isEqualTo("r w");
        assertThat(tokens.get("scope").asText()).isEqualTo("r w");
        assertThat(tokens.get("expires_in").asLong()).isEqualTo(300);
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()).isEqualTo(300_000);

        JsonNode narrowed = server.token(client, "audience", api.get("identifier").asText(), "scope", "w");
        assertThat(claims(narrowed.get("access_token").asText()).getStringClaim("scope")).isEqualTo("w");
    }

    @Test
    void withoutResourceTheTokenIsAsBefore() throws Exception {
        JsonNode api = createApi(uniqueIdentifier(), "PT5M", "r");
        Credentials client = server.createClient("acme", "own");
        grant(client, api, "r");

        JsonNode tokens = server.token(client);

        JWTClaimsSet claims = claims(tokens.get("access_token").asText());
        assertThat(claims.getAudience()).containsExactly(server.issuer());
        assertThat(claims.getStringClaim("scope")).isEqualTo("own");
        assertThat(tokens.get("expires_in").asLong()).isEqualTo(3600);
    }

    @Test
    void theClientsLifetimeCapsTheApisAndAnApiWithoutOneTakesTheServersWhichNoneExceeds() {
        JsonNode longLived = createApi(uniqueIdentifier(), "PT2H", "r");
        JsonNode plain = createApi(uniqueIdentifier(), null, "r");
        Credentials client = server.createClient("acme");
        grant(client, longLived, "r");
        grant(client, plain, "r");

        assertThat(server.token(client, "resource", plain.get("identifier").asText()).get("expires_in").asLong())
                .isEqualTo(3600);
        assertThat(server.token(client, "resource", longLived.get("identifier").asText()).get("expires_in").asLong())
                .as("never beyond LATCHKEY_ACCESS_TOKEN_TTL").isEqualTo(3600);
        server.admin("PATCH", "/admin/clients/" + client.clientId(), "{\"accessTokenTtl\":\"PT10M\"}");
        assertThat(server.token(client, "resource", longLived.get("identifier").asText()).get("expires_in").asLong())
                .isEqualTo(600);
        server.admin("PATCH", "/admin/clients/" + client.clientId(), "{\"accessTokenTtl\":null}");
        assertThat(server.token(client, "resource", longLived.get("identifier").asText()).get("expires_in").asLong())
                .isEqualTo(3600);
    }

    @Test
    void anUnknownOrUngrantedResourceOrMoreThanOneAnswersInvalidTarget() {
        JsonNode api = createApi(uniqueIdentifier(), null, "r");
        JsonNode other = createApi(uniqueIdentifier(), null, "r");
        Credentials client = server.createClient("acme");
        grant(client, api, "r");

        assertOAuthError(tokenRequest(client, "resource", "https://unknown.example.test/"), 400, "invalid_target");
        assertOAuthError(tokenRequest(client, "resource", other.get("identifier").asText()), 400, "invalid_target");
        assertOAuthError(tokenRequest(client, "resource", "not a uri"), 400, "invalid_target");
        String identifier = api.get("identifier").asText();
        assertOAuthError(tokenRequest(client, "resource", identifier, "resource", identifier), 400, "invalid_target");
        assertOAuthError(tokenRequest(client, "resource", identifier, "audience", identifier), 400, "invalid_target");
    }

    @Test
    void aScopeOutsideTheGrantAnswersInvalidScope() {
        JsonNode api = createApi(uniqueIdentifier(), null, "r", "w");
        Credentials client = server.createClient("acme", "w");
        grant(client, api, "r");

        assertOAuthError(tokenRequest(client, "resource", api.get("identifier").asText(), "scope", "w"),
                400, "invalid_scope");
    }

    @Test
    void aRefreshStaysWithItsApiOrNamesAnotherGrantedOne() throws Exception {
        JsonNode orders = createApi(uniqueIdentifier(), "PT5M", "r");
        JsonNode invoices = createApi(uniqueIdentifier(), "PT2M", "i");
        JsonNode ungranted = createApi(uniqueIdentifier(), null, "r");
        Credentials client = server.createClient("acme", "own");
        grant(client, orders, "r");
        grant(client, invoices, "i");
        JsonNode first = server.token(client, "resource", orders.get("identifier").asText());

        JsonNode same = refresh(client, first.get("refresh_token").asText());
        assertThat(claims(same.get("access_token").asText()).getAudience())
                .containsExactly(orders.get("identifier").asText());
        assertThat(same.get("scope").asText()).isEqualTo("r");
        assertThat(same.get("expires_in").asLong()).isEqualTo(300);

        JsonNode switched = refresh(client, same.get("refresh_token").asText(),
                "resource", invoices.get("identifier").asText());
        assertThat(claims(switched.get("access_token").asText()).getAudience())
                .containsExactly(invoices.get("identifier").asText());
        assertThat(switched.get("scope").asText()).isEqualTo("i");
        assertThat(switched.get("expires_in").asLong()).isEqualTo(120);

        assertOAuthError(refreshRequest(client, switched.get("refresh_token").asText(),
                "resource", ungranted.get("identifier").asText()), 400, "invalid_target");
    }

    @Test
    void thePipelineTakesResourceAsAJsonFieldAndAnswersInMilliseconds() throws Exception {
        JsonNode api = createApi(uniqueIdentifier(), "PT5M", "r");
        Credentials client = server.createClient("acme");
        grant(client, api, "r");
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("grant_type", "client_credentials");
        request.put("username", client.clientId());
        request.put("password", client.secret());
        request.put("resource", api.get("identifier").asText());

        HttpResponse<String> response = server.pipeline(request);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode tokens = TestServer.json(response);
        assertThat(tokens.get("expires_in").asLong()).isEqualTo(300_000);
        assertThat(claims(tokens.get("access_token").asText()).getAudience())
                .containsExactly(api.get("identifier").asText());

        HttpResponse<String> refreshed = server.pipeline(Map.of("grant_type", "refresh_token",
                "refresh_token", tokens.get("refresh_token").asText()));
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        assertThat(TestServer.json(refreshed).get("expires_in").asLong()).isEqualTo(300_000);

        request.put("resource", List.of(api.get("identifier").asText(), api.get("identifier").asText()));
        assertError(server.pipeline(request), 400, "invalid_target");
        request.put("resource", "https://unknown.example.test/");
        assertError(server.pipeline(request), 400, "invalid_target");
    }

    // --- revocation ---------------------------------------------------------------------------

    @Test
    void withdrawingAGrantMakesItsTokensInactiveAtOnceAndOthersStayActive() {
        JsonNode api = createApi(uniqueIdentifier(), null, "r");
        JsonNode other = createApi(uniqueIdentifier(), null, "r");
        Credentials client = server.createClient("acme");
        grant(client, api, "r");
        grant(client, other, "r");
        JsonNode tokens = server.token(client, "resource", api.get("identifier").asText());
        JsonNode kept = server.token(client, "resource", other.get("identifier").asText());
        JsonNode plain = server.token(client);
        JsonNode active = introspect(tokens.get("access_token").asText());
        assertThat(active.get("active").asBoolean()).isTrue();
        assertThat(texts(active.get("aud"))).containsExactly(api.get("identifier").asText());

        server.admin("DELETE", apisOf(client, api), null);

        assertThat(introspect(tokens.get("access_token").asText()).get("active").asBoolean()).isFalse();
        assertThat(introspect(tokens.get("refresh_token").asText()).get("active").asBoolean()).isFalse();
        assertOAuthError(refreshRequest(client, tokens.get("refresh_token").asText()), 400, "invalid_grant");
        assertOAuthError(refreshRequest(client, tokens.get("refresh_token").asText(),
                "resource", api.get("identifier").asText()), 400, "invalid_grant");
        assertThat(introspect(kept.get("access_token").asText()).get("active").asBoolean()).isTrue();
        assertThat(introspect(plain.get("access_token").asText()).get("active").asBoolean()).isTrue();

        // A grant given again, a second later (iat is whole seconds), does not bring back the first's tokens.
        server.clock().advance(Duration.ofSeconds(1));
        grant(client, api, "r");
        assertThat(introspect(tokens.get("access_token").asText()).get("active").asBoolean()).isFalse();
        assertOAuthError(refreshRequest(client, tokens.get("refresh_token").asText(),
                "resource", api.get("identifier").asText()), 400, "invalid_grant");
    }

    @Test
    void deletingAnApiMakesItsTokensInactiveAtOnceAndTakesItsGrants() {
        JsonNode api = createApi(uniqueIdentifier(), null, "r");
        Credentials client = server.createClient("acme");
        grant(client, api, "r");
        JsonNode tokens = server.token(client, "resource", api.get("identifier").asText());

        server.admin("DELETE", "/admin/apis/" + api.get("id").asText(), null);

        assertThat(introspect(tokens.get("access_token").asText()).get("active").asBoolean()).isFalse();
        assertThat(TestServer.json(server.admin("GET", "/admin/clients/" + client.clientId() + "/apis", null))
                .get("grants")).isEmpty();
        assertOAuthError(tokenRequest(client, "resource", api.get("identifier").asText()), 400, "invalid_target");
    }

    @Test
    void apisAndGrantsSurviveARestart() {
        JsonNode api = createApi(uniqueIdentifier(), "PT3M", "r");
        Credentials client = server.createClient("acme");
        grant(client, api, "r");
        server.admin("PATCH", "/admin/clients/" + client.clientId(), "{\"accessTokenTtl\":\"PT2M\"}");

        server.restart();

        assertThat(TestServer.json(server.admin("GET", "/admin/apis/" + api.get("id").asText(), null)))
                .isEqualTo(api);
        assertThat(server.token(client, "resource", api.get("identifier").asText()).get("expires_in").asLong())
                .isEqualTo(120);
    }

    // --- helpers ----------------------------------------------------------------------------

    static String uniqueIdentifier() {
        return "https://" + UUID.randomUUID() + ".api.example.test/";
    }

    static JsonNode createApi(String identifier, String ttl, String... scopes) {
        return createApi(server, identifier, ttl, scopes);
    }

    static JsonNode createApi(TestServer at, String identifier, String ttl, String... scopes) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("identifier", identifier);
        body.put("scopes", List.of(scopes));
        if (ttl != null) {
            body.put("accessTokenTtl", ttl);
        }
        HttpResponse<String> response = at.admin("POST", "/admin/apis", TestServer.write(body));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return TestServer.json(response);
    }

    private static HttpResponse<String> grant(Credentials client, JsonNode api, String... scopes) {
        return grant(server, client, api, scopes);
    }

    static HttpResponse<String> grant(TestServer at, Credentials client, JsonNode api, String... scopes) {
        return at.admin("PUT", apisOf(client, api), TestServer.write(Map.of("scopes", List.of(scopes))));
    }

    static String apisOf(Credentials client, JsonNode api) {
        return "/admin/clients/" + client.clientId() + "/apis/" + api.get("id").asText();
    }

    /** A client_credentials request whose pairs may repeat a name. */
    private static HttpResponse<String> tokenRequest(Credentials client, String... pairs) {
        return form(client, "grant_type=client_credentials", pairs);
    }

    private static HttpResponse<String> refreshRequest(Credentials client, String refreshToken, String... pairs) {
        return form(client, "grant_type=refresh_token&refresh_token=" + refreshToken, pairs);
    }

    private static JsonNode refresh(Credentials client, String refreshToken, String... pairs) {
        HttpResponse<String> response = refreshRequest(client, refreshToken, pairs);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestServer.json(response);
    }

    private static HttpResponse<String> form(Credentials client, String start, String... pairs) {
        StringBuilder body = new StringBuilder(start);
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            body.append('&').append(TestServer.formEncode(Map.of(pairs[i], pairs[i + 1])));
        }
        return server.send(HttpRequest.newBuilder(server.uri("/oauth2/token")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", client.basic())
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    private static void assertOAuthError(HttpResponse<String> response, int status, String error) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = TestServer.json(response);
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("error_description").asText()).isNotBlank();
    }

    private static JsonNode introspect(String token) {
        return TestServer.json(server.postForm("/oauth2/introspect", Map.of("token", token),
                "X-API-Key", TestServer.ADMIN_KEY));
    }

    private static JWTClaimsSet claims(String token) throws Exception {
        return SignedJWT.parse(token).getJWTClaimsSet();
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array.isTextual()) {
            values.add(array.asText());
        } else {
            array.forEach(value -> values.add(value.asText()));
        }
        return values;
    }
}
