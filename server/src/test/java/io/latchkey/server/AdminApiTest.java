package io.latchkey.server;

import static io.latchkey.server.PipelineErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The admin API of SPEC §4 over real HTTP: clients, secret rotation, API keys, signing keys. */
class AdminApiTest {
    @RegisterExtension
    static final TestServer server = TestServer.extension();

    // --- clients -----------------------------------------------------------------------------

    @Test
    void createAnswers201WithTheClientAndItsSecretShownOnce() {
        Instant before = server.clock().instant().minusSeconds(1);
        HttpResponse<String> response = server.admin("POST", "/admin/clients",
                "{\"partnerId\":\"Acme\",\"scopes\":[\"orders:read\",\"orders:write\"],\"name\":\"Acme ERP\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode body = TestServer.json(response);
        assertThat(body.get("clientId").asText()).isNotBlank();
        assertThat(body.get("clientSecret").asText()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(body.get("partnerId").asText()).isEqualTo("Acme");
        assertThat(texts(body.get("scopes"))).containsExactlyInAnyOrder("orders:read", "orders:write");
        assertThat(Instant.parse(body.get("createdAt").asText()))
                .isBetween(before, server.clock().instant().plusSeconds(1));
        assertThat(String.join(",", response.headers().allValues("Cache-Control"))).contains("no-store");

        TestServer.Credentials created = new TestServer.Credentials(body.get("clientId").asText(),
                body.get("clientSecret").asText());
        assertThat(server.token(created).get("access_token").asText()).isNotBlank();
    }

    @Test
    void createWithoutScopesGivesAnEmptyScopeList() {
        HttpResponse<String> response = server.admin("POST", "/admin/clients", "{\"partnerId\":\"Acme\"}");

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(TestServer.json(response).get("scopes").isArray()).isTrue();
        assertThat(TestServer.json(response).get("scopes")).isEmpty();
    }

    @Test
    void createWithoutPartnerIdIsAnInvalidRequest() {
        assertError(server.admin("POST", "/admin/clients", "{\"scopes\":[\"a\"]}"), 400, "invalid_request");
    }

    @Test
    void createWithANumericPartnerIdIsAnInvalidRequest() {
        assertError(server.admin("POST", "/admin/clients", "{\"partnerId\":42}"), 400, "invalid_request");
    }

    @Test
    void listWithoutAFilterShowsEveryClientAndNoSecret() {
        String partner = uniquePartner();
        TestServer.Credentials one = server.createClient(partner, "a");
        TestServer.Credentials other = server.createClient(uniquePartner(), "b");

        HttpResponse<String> response = server.admin("GET", "/admin/clients", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(clientIds(response)).contains(one.clientId(), other.clientId());
        assertNoSecretsIn(response, one, other);
    }

    @Test
    void listWithAPartnerIdShowsOnlyThatPartnersClients() {
        String partner = uniquePartner();
        TestServer.Credentials first = server.createClient(partner, "a");
        TestServer.Credentials second = server.createClient(partner);
        TestServer.Credentials elsewhere = server.createClient(uniquePartner());

        HttpResponse<String> response = server.admin("GET", "/admin/clients?partnerId=" + partner, null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(clientIds(response)).containsExactlyInAnyOrder(first.clientId(), second.clientId());
        for (JsonNode client : TestServer.json(response).get("clients")) {
            assertThat(client.get("partnerId").asText()).isEqualTo(partner);
        }
        assertNoSecretsIn(response, first, second, elsewhere);
    }

    @Test
    void listForAPartnerWithoutClientsIsEmpty() {
        HttpResponse<String> response = server.admin("GET", "/admin/clients?partnerId=" + uniquePartner(), null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(response).get("clients")).isEmpty();
    }

    @Test
    void getShowsOneClientWithoutItsSecret() {
        String partner = uniquePartner();
        TestServer.Credentials client = server.createClient(partner, "orders:read");

        HttpResponse<String> response = server.admin("GET", "/admin/clients/" + client.clientId(), null);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = TestServer.json(response);
        assertThat(body.get("clientId").asText()).isEqualTo(client.clientId());
        assertThat(body.get("partnerId").asText()).isEqualTo(partner);
        assertThat(texts(body.get("scopes"))).containsExactly("orders:read");
        assertThat(body.get("createdAt").asText()).isNotBlank();
        assertNoSecretsIn(response, client);
    }

    @Test
    void getOfAnUnknownClientIsNotFound() {
        assertError(server.admin("GET", "/admin/clients/AAAAAAAAAAAAAAAAAAAAAA", null), 404, "not_found");
    }

    @Test
    void deleteAnswersThePipelinesDeleteBodyAndTheClientIsGone() throws Exception {
        TestServer.Credentials client = server.createClient(uniquePartner());

        HttpResponse<String> response = server.admin("DELETE", "/admin/clients/" + client.clientId(), null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(response)).isEqualTo(TestServer.JSON.readTree(
                "{\"code\":200,\"message\":\"Success when deleting client credentials for the clientId: "
                        + client.clientId() + "\"}"));
        assertError(server.admin("GET", "/admin/clients/" + client.clientId(), null), 404, "not_found");
        assertThat(tokenStatus(client)).isEqualTo(401);
    }

    @Test
    void deleteOfAnUnknownClientIsNotFound() {
        assertError(server.admin("DELETE", "/admin/clients/AAAAAAAAAAAAAAAAAAAAAA", null), 404, "not_found");
    }

    @Test
    void aMissingApiKeyIsUnauthorizedOnEveryAdminEndpoint() {
        TestServer.Credentials client = server.createClient(uniquePartner());
        List<HttpResponse<String>> responses = List.of(
                server.get("/admin/clients"),
                server.get("/admin/clients/" + client.clientId()),
                server.postJson("/admin/clients", "{\"partnerId\":\"Acme\"}"),
                server.delete("/admin/clients/" + client.clientId()),
                server.postJson("/admin/clients/" + client.clientId() + "/secret", "{}"),
                server.get("/admin/api-keys"),
                server.postJson("/admin/api-keys", "{}"),
                server.delete("/admin/api-keys/configured"),
                server.postJson("/admin/keys/rotate", "{}"));

        for (HttpResponse<String> response : responses) {
            assertError(response, 401, "invalid_api_key");
        }
        assertThat(server.token(client).get("access_token").asText()).isNotBlank();
    }

    @Test
    void aWrongApiKeyIsUnauthorizedOnEveryAdminEndpoint() {
        TestServer.Credentials client = server.createClient(uniquePartner());
        String wrong = TestServer.ADMIN_KEY + "-wrong";
        List<HttpResponse<String>> responses = List.of(
                server.get("/admin/clients", "X-API-Key", wrong),
                server.get("/admin/clients/" + client.clientId(), "X-API-Key", wrong),
                server.postJson("/admin/clients", "{\"partnerId\":\"Acme\"}", "X-API-Key", wrong),
                server.delete("/admin/clients/" + client.clientId(), "X-API-Key", wrong),
                server.postJson("/admin/clients/" + client.clientId() + "/secret", "{}", "X-API-Key", wrong),
                server.get("/admin/api-keys", "X-API-Key", wrong),
                server.postJson("/admin/api-keys", "{}", "X-API-Key", wrong),
                server.delete("/admin/api-keys/configured", "X-API-Key", wrong),
                server.postJson("/admin/keys/rotate", "{}", "X-API-Key", wrong));

        for (HttpResponse<String> response : responses) {
            JsonNode body = assertError(response, 401, "invalid_api_key");
            assertThat(response.body()).doesNotContain(wrong);
            assertThat(body.toString()).doesNotContain(TestServer.ADMIN_KEY);
        }
        assertThat(server.token(client).get("access_token").asText()).isNotBlank();
    }

    // --- secret rotation ---------------------------------------------------------------------

    @Test
    void rotatingWithoutGraceEndsTheOldSecretAtOnceAndTheNewOneWorks() {
        TestServer.Credentials client = server.createClient(uniquePartner());

        HttpResponse<String> rotated = server.admin("POST", "/admin/clients/" + client.clientId() + "/secret", null);

        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        assertThat(String.join(",", rotated.headers().allValues("Cache-Control"))).contains("no-store");
        TestServer.Credentials renewed = new TestServer.Credentials(client.clientId(),
                TestServer.json(rotated).get("clientSecret").asText());
        assertThat(renewed.secret()).isNotEqualTo(client.secret()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(tokenStatus(client)).isEqualTo(401);
        assertThat(tokenStatus(renewed)).isEqualTo(200);
    }

    @Test
    void rotatingWithAnEmptyJsonObjectMeansNoGrace() {
        TestServer.Credentials client = server.createClient(uniquePartner());

        HttpResponse<String> rotated = server.admin("POST", "/admin/clients/" + client.clientId() + "/secret", "{}");

        assertThat(rotated.statusCode()).isEqualTo(200);
        assertThat(tokenStatus(client)).isEqualTo(401);
    }

    @Test
    void rotatingWithGraceKeepsTheOldSecretWorkingUntilTheGraceEnds() {
        TestServer.Credentials client = server.createClient(uniquePartner());

        HttpResponse<String> rotated = server.admin("POST", "/admin/clients/" + client.clientId() + "/secret",
                "{\"graceSeconds\":60}");

        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        TestServer.Credentials renewed = new TestServer.Credentials(client.clientId(),
                TestServer.json(rotated).get("clientSecret").asText());
        assertThat(tokenStatus(client)).isEqualTo(200);
        assertThat(tokenStatus(renewed)).isEqualTo(200);

        server.clock().advance(Duration.ofSeconds(59));
        assertThat(tokenStatus(client)).isEqualTo(200);

        server.clock().advance(Duration.ofSeconds(2));
        assertThat(tokenStatus(client)).isEqualTo(401);
        assertThat(tokenStatus(renewed)).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"graceSeconds\":-1}",
            "{\"graceSeconds\":\"60\"}",
            "{\"graceSeconds\":1.5}",
            "{\"graceSeconds\":99999999999999999999}",
            "{\"graceSeconds\":31536000000}",
            "{\"graceSeconds\":true}",
            "[60]",
            "graceSeconds=60"})
    void aBadGracePeriodIsAnInvalidRequestAndRotatesNothing(String body) {
        TestServer.Credentials client = server.createClient(uniquePartner());

        HttpResponse<String> response = server.admin("POST", "/admin/clients/" + client.clientId() + "/secret", body);

        assertError(response, 400, "invalid_request");
        assertThat(tokenStatus(client)).isEqualTo(200);
    }

    @Test
    void rotatingTheSecretOfAnUnknownClientIsNotFound() {
        assertError(server.admin("POST", "/admin/clients/AAAAAAAAAAAAAAAAAAAAAA/secret", null), 404, "not_found");
    }

    // --- API keys ----------------------------------------------------------------------------

    @Test
    void aNewApiKeyIsShownOnceAndWorksOnAdminCalls() {
        HttpResponse<String> created = server.admin("POST", "/admin/api-keys", "{\"name\":\"ci\"}");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(String.join(",", created.headers().allValues("Cache-Control"))).contains("no-store");
        JsonNode body = TestServer.json(created);
        String id = body.get("id").asText();
        String key = body.get("apiKey").asText();
        assertThat(id).isNotBlank();
        assertThat(key).hasSizeGreaterThanOrEqualTo(43);

        assertThat(server.get("/admin/clients", "X-API-Key", key).statusCode()).isEqualTo(200);
        assertThat(server.postJson("/admin/clients", "{\"partnerId\":\"ByNewKey\"}", "X-API-Key", key).statusCode())
                .isEqualTo(201);
        assertThat(server.pipeline(Map.of("partnerId", "ByNewKey", "executionType", "create", "apikey", key))
                .statusCode()).isEqualTo(200);
    }

    @Test
    void listingApiKeysNeverShowsAKey() {
        HttpResponse<String> created = server.admin("POST", "/admin/api-keys", "{\"name\":\"listed\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        String id = TestServer.json(created).get("id").asText();
        String key = TestServer.json(created).get("apiKey").asText();

        HttpResponse<String> listed = server.admin("GET", "/admin/api-keys", null);

        assertThat(listed.statusCode()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        for (JsonNode apiKey : TestServer.json(listed).get("apiKeys")) {
            ids.add(apiKey.get("id").asText());
            assertThat(fieldNames(apiKey)).noneMatch(name -> name.toLowerCase().contains("key")
                    || name.toLowerCase().contains("hash"));
        }
        assertThat(ids).contains(id);
        assertThat(listed.body()).doesNotContain(key).doesNotContain(TestServer.ADMIN_KEY);
    }

    @Test
    void aDeletedApiKeyStopsWorking() {
        HttpResponse<String> created = server.admin("POST", "/admin/api-keys", "{\"name\":\"doomed\"}");
        String id = TestServer.json(created).get("id").asText();
        String key = TestServer.json(created).get("apiKey").asText();
        assertThat(server.get("/admin/clients", "X-API-Key", key).statusCode()).isEqualTo(200);

        HttpResponse<String> deleted = server.admin("DELETE", "/admin/api-keys/" + id, null);

        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        assertError(server.get("/admin/clients", "X-API-Key", key), 401, "invalid_api_key");
        assertError(server.pipeline(Map.of("partnerId", "Acme", "executionType", "create", "apikey", key)),
                401, "invalid_api_key");
        assertThat(ids(server.admin("GET", "/admin/api-keys", null))).doesNotContain(id);
    }

    @Test
    void deleteOfAnUnknownApiKeyIsNotFound() {
        assertError(server.admin("DELETE", "/admin/api-keys/no-such-key-id", null), 404, "not_found");
    }

    // --- signing keys ------------------------------------------------------------------------

    @Test
    void rotatingSigningKeysKeepsOldTokensActiveAndSignsNewOnesWithANewKey() throws Exception {
        TestServer.Credentials client = server.createClient(uniquePartner(), "orders:read");
        String before = server.token(client).get("access_token").asText();
        String kidBefore = SignedJWT.parse(before).getHeader().getKeyID();
        assertThat(kidBefore).isNotBlank();

        HttpResponse<String> rotated = server.admin("POST", "/admin/keys/rotate", null);

        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        JsonNode introspected = introspect(before);
        assertThat(introspected.get("active").asBoolean()).isTrue();
        assertThat(introspected.get("client_id").asText()).isEqualTo(client.clientId());

        String after = server.token(client).get("access_token").asText();
        String kidAfter = SignedJWT.parse(after).getHeader().getKeyID();
        assertThat(kidAfter).isNotBlank().isNotEqualTo(kidBefore);
        assertThat(introspect(after).get("active").asBoolean()).isTrue();
    }

    @Test
    void aRefreshTokenIssuedBeforeKeyRotationStillRefreshes() {
        TestServer.Credentials client = server.createClient(uniquePartner());
        String refreshToken = server.token(client).get("refresh_token").asText();

        assertThat(server.admin("POST", "/admin/keys/rotate", null).statusCode()).isEqualTo(200);

        assertThat(server.pipeline(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken))
                .statusCode()).isEqualTo(200);
    }

    // --- helpers -----------------------------------------------------------------------------

    private static JsonNode introspect(String token) {
        HttpResponse<String> response = server.postForm("/oauth2/introspect", Map.of("token", token),
                "X-API-Key", TestServer.ADMIN_KEY);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestServer.json(response);
    }

    private static int tokenStatus(TestServer.Credentials client) {
        return server.send(HttpRequest.newBuilder(server.uri("/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", client.basic())
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build()).statusCode();
    }

    private static void assertNoSecretsIn(HttpResponse<String> response, TestServer.Credentials... clients) {
        for (TestServer.Credentials client : clients) {
            assertThat(response.body()).doesNotContain(client.secret());
        }
        for (JsonNode client : TestServer.json(response).has("clients")
                ? TestServer.json(response).get("clients") : List.of(TestServer.json(response))) {
            assertThat(fieldNames(client)).noneMatch(name -> name.toLowerCase().contains("secret")
                    && !name.equals("previousSecretExpiresAt") && !name.equals("secretExpiresAt")
                    || name.toLowerCase().contains("hash"));
        }
    }

    private static List<String> clientIds(HttpResponse<String> response) {
        List<String> ids = new ArrayList<>();
        for (JsonNode client : TestServer.json(response).get("clients")) {
            ids.add(client.get("clientId").asText());
        }
        return ids;
    }

    private static List<String> ids(HttpResponse<String> response) {
        List<String> ids = new ArrayList<>();
        for (JsonNode apiKey : TestServer.json(response).get("apiKeys")) {
            ids.add(apiKey.get("id").asText());
        }
        return ids;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        Iterator<String> iterator = node.fieldNames();
        iterator.forEachRemaining(names::add);
        return names;
    }

    private static String uniquePartner() {
        return "partner-" + UUID.randomUUID();
    }
}
