package io.latchkey.server;

import static io.latchkey.server.MultiInstanceTest.assertWithin;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.latchkey.server.TestServer.Credentials;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SPEC §10, source allow-lists: a client with {@code allowedSources} authenticates from those
 * CIDR blocks only, wherever it authenticates, the address taken as the rate limiter takes it
 * (here behind a trusted proxy, from {@code X-Forwarded-For}); refusals are audited.
 */
class AllowedSourcesTest {
    private static final String PARTNER = "203.0.113.9";
    private static final String ELSEWHERE = "198.51.100.7";

    @RegisterExtension
    final TestServer server = TestServer.extension(config -> config.trustedProxies(Set.of("127.0.0.1")));

    @Test
    void aClientAuthenticatesFromItsAllowedSourcesOnlyAndRefusalsAreAudited() {
        Credentials client = create("[\"203.0.113.0/24\", \"2001:db8::/32\"]");

        assertThat(token(client, PARTNER).statusCode()).isEqualTo(200);
        assertThat(token(client, "2001:db8::1").statusCode()).isEqualTo(200);
        HttpResponse<String> refused = token(client, ELSEWHERE);

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(TestServer.json(refused).get("error").asText()).isEqualTo("invalid_client");
        assertWithin(Duration.ofSeconds(5), () -> refusals().size() == 1);
        JsonNode event = refusals().get(0);
        assertThat(event.get("clientId").asText()).isEqualTo(client.clientId());
        assertThat(event.get("source").asText()).isEqualTo(ELSEWHERE);
    }

    @Test
    void theAllowListHoldsWhereverTheClientAuthenticates() {
        Credentials client = create("[\"203.0.113.0/24\"]");
        String accessToken = TestServer.json(token(client, PARTNER)).get("access_token").asText();

        HttpResponse<String> pipeline = server.postJson("/pipeline/oauth2", TestServer.write(Map.of(
                "username", client.clientId(), "password", client.secret(), "grant_type", "client_credentials")),
                "X-Forwarded-For", ELSEWHERE);
        HttpResponse<String> introspection = server.postForm("/oauth2/introspect", Map.of("token", accessToken),
                "Authorization", client.basic(), "X-Forwarded-For", ELSEWHERE);
        HttpResponse<String> revocation = server.postForm("/oauth2/revoke", Map.of("token", accessToken),
                "Authorization", client.basic(), "X-Forwarded-For", ELSEWHERE);

        assertThat(pipeline.statusCode()).isEqualTo(401);
        assertThat(TestServer.json(pipeline).get("error").asText()).isEqualTo("invalid_client");
        assertThat(introspection.statusCode()).isEqualTo(401);
        assertThat(revocation.statusCode()).isEqualTo(401);
        assertThat(server.postForm("/oauth2/introspect", Map.of("token", accessToken), "Authorization", client.basic(),
                "X-Forwarded-For", PARTNER).statusCode()).isEqualTo(200);
    }

    @Test
    void aForwardedAddressIsNotBelievedFromAPeerThatIsNoTrustedProxy() {
        try (TestServer direct = TestServer.start()) {
            HttpResponse<String> created = direct.admin("POST", "/admin/clients",
                    "{\"partnerId\":\"acme\",\"allowedSources\":[\"203.0.113.0/24\"]}");
            JsonNode body = TestServer.json(created);
            Credentials client = new Credentials(body.get("clientId").asText(), body.get("clientSecret").asText());

            HttpResponse<String> forged = direct.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                    "Authorization", client.basic(), "X-Forwarded-For", PARTNER);

            assertThat(forged.statusCode()).isEqualTo(401); // the source is the peer, 127.0.0.1
        }
    }

    @Test
    void patchReplacesTheListAndNullAllowsAnywhere() {
        Credentials client = create("[\"203.0.113.0/24\"]");

        HttpResponse<String> changed = server.admin("PATCH", "/admin/clients/" + client.clientId(),
                "{\"allowedSources\":[\"198.51.100.0/24\"]}");
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(changed).get("allowedSources").get(0).asText()).isEqualTo("198.51.100.0/24");
        assertThat(token(client, ELSEWHERE).statusCode()).isEqualTo(200);
        assertThat(token(client, PARTNER).statusCode()).isEqualTo(401);

        HttpResponse<String> cleared = server.admin("PATCH", "/admin/clients/" + client.clientId(),
                "{\"allowedSources\":null}");
        assertThat(TestServer.json(cleared).has("allowedSources")).isFalse();
        assertThat(token(client, PARTNER).statusCode()).isEqualTo(200);
    }

    @Test
    void blocksAreShownInCanonicalFormAndKeptAcrossARestart() {
        Credentials client = create("[\"203.0.113.7\", \"10.1.2.3/8\"]");

        server.restart();

        JsonNode view = TestServer.json(server.admin("GET", "/admin/clients/" + client.clientId(), null));
        assertThat(view.get("allowedSources").toString()).isEqualTo("[\"203.0.113.7/32\",\"10.0.0.0/8\"]");
        assertThat(token(client, "10.200.0.1").statusCode()).isEqualTo(200);
    }

    @Test
    void aMalformedCidrIsA400WithTheEndpointsErrorBody() {
        Credentials client = server.createClient("acme");
        for (String sources : List.of("[\"203.0.113.0/33\"]", "[\"example.com\"]", "[\"10.0.0.0/x\"]", "[]",
                "\"10.0.0.0/8\"", "[42]")) {
            HttpResponse<String> create = server.admin("POST", "/admin/clients",
                    "{\"partnerId\":\"acme\",\"allowedSources\":" + sources + "}");
            HttpResponse<String> patch = server.admin("PATCH", "/admin/clients/" + client.clientId(),
                    "{\"allowedSources\":" + sources + "}");
            for (HttpResponse<String> response : List.of(create, patch)) {
                assertThat(response.statusCode()).as(sources).isEqualTo(400);
                assertThat(TestServer.json(response).get("error").asText()).isEqualTo("invalid_request");
                assertThat(TestServer.json(response).get("message").asText()).contains("allowedSources");
            }
        }
        HttpResponse<String> pipeline = server.pipeline(Map.of("partnerId", "acme", "executionType", "create",
                "apikey", TestServer.ADMIN_KEY, "allowedSources", List.of("not a block")));
        assertThat(pipeline.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(pipeline).get("code").asInt()).isEqualTo(400);
    }

    private Credentials create(String sources) {
        HttpResponse<String> response = server.admin("POST", "/admin/clients",
                "{\"partnerId\":\"acme\",\"allowedSources\":" + sources + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode body = TestServer.json(response);
        return new Credentials(body.get("clientId").asText(), body.get("clientSecret").asText());
    }

    private HttpResponse<String> token(Credentials client, String from) {
        return server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                "Authorization", client.basic(), "X-Forwarded-For", from);
    }

    private List<JsonNode> refusals() {
        JsonNode events = TestServer.json(server.admin("GET", "/admin/audit?action=client.source_refused", null))
                .get("events");
        List<JsonNode> list = new java.util.ArrayList<>();
        events.forEach(list::add);
        return list;
    }
}
