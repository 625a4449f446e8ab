package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests that RequestFuzzTest found answered with a 500, a 503 or a body that was not JSON,
 * pinned down one by one: each is the caller's error, a 400 {@code invalid_request} in JSON.
 */
class MalformedRequestTest {
    @RegisterExtension
    static final TestServer server = TestServer.extension();

    /** A form whose names do not decode, or a value without a name, is the caller's error (it once answered 500). */
    @ParameterizedTest
    @ValueSource(strings = {"grant_type=client_credentials&username%2=x", "grant_type=client_credentials&=x",
        "=", "&=&", "grant_type=client_credentials&a%zz=b", "token=x&%=y"})
    void aFormWhoseNamesDoNotDecodeIsAnInvalidRequest(String form) {
        for (String path : List.of("/oauth2/token", "/oauth2/introspect", "/oauth2/revoke")) {
            HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri(path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build());

            TokenPath.assertOAuthError(response, 400, "invalid_request");
            SafeAnswers.assertSafe(response);
        }
    }

    /** Vert.x refuses to route a path whose escapes do not decode; it answered "Bad Request" in plain text. */
    @ParameterizedTest
    @ValueSource(strings = {"/admin/clients/%zz/secret", "/admin/clients/%zz", "/oauth2/%zz", "/%", "/pipeline/oauth2%G1"})
    void aPathWhoseEscapesDoNotDecodeIsAnInvalidRequestInJson(String path) {
        RawHttp.Response response = RawHttp.exchange(server.server().port(), "POST", path,
                List.of("X-API-Key", TestServer.ADMIN_KEY, "Content-Type", "application/json"),
                "{}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));

        assertThat(response.status()).as(response.body()).isEqualTo(400);
        JsonNode body = TokenForgery.parse(response.body());
        assertThat(body.get("error").asText()).isEqualTo("invalid_request");
        SafeAnswers.assertSafe(response, path, path + " -> " + response.body());
    }

    /**
     * PostgreSQL cannot store U+0000 in text (it answered 503 as if the store were down) and no
     * store can encode a lone surrogate as UTF-8 (it came back altered): such a partner id or
     * name is refused on both stores alike.
     */
    @ParameterizedTest
    @ValueSource(strings = {"{\"partnerId\":\"a\\u0000b\"}", "{\"partnerId\":\"a\\ud800b\"}",
        "{\"partnerId\":\"\\udfff\"}", "{\"partnerId\":\"p\",\"name\":\"a\\u0000b\"}",
        "{\"partnerId\":\"p\",\"name\":\"x\\udc00\\ud800\"}"})
    void aPartnerIdOrNameThatNoStoreCanKeepIsAnInvalidRequest(String body) {
        PipelineErrors.assertError(server.admin("POST", "/admin/clients", body), 400, "invalid_request");
        String pipelineBody = body.substring(0, body.length() - 1)
                + ",\"executionType\":\"create\",\"apikey\":\"" + TestServer.ADMIN_KEY + "\"}";
        PipelineErrors.assertError(server.postJson("/pipeline/oauth2", pipelineBody), 400, "invalid_request");
    }

    /** The query string is decoded when a handler first asks for a parameter; that used to answer 500. */
    @ParameterizedTest
    @ValueSource(strings = {"?partnerId=%", "?partnerId=%zz", "?%=x", "?partnerId=a%2"})
    void aQueryWhoseEscapesDoNotDecodeIsAnInvalidRequest(String query) {
        RawHttp.Response response = RawHttp.exchange(server.server().port(), "GET", "/admin/clients" + query,
                List.of("X-API-Key", TestServer.ADMIN_KEY), null, Duration.ofSeconds(10));

        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(TokenForgery.parse(response.body()).get("error").asText()).isEqualTo("invalid_request");
        SafeAnswers.assertSafe(response, query, query + " -> " + response.body());
    }

    @Test
    void listingByAPartnerIdWithANulCharacterIsAnInvalidRequest() {
        PipelineErrors.assertError(server.get("/admin/clients?partnerId=a%00b", "X-API-Key", TestServer.ADMIN_KEY),
                400, "invalid_request");
    }

    @Test
    void deletingAnApiKeyWhoseIdHoldsANulCharacterFindsNone() {
        PipelineErrors.assertError(server.delete("/admin/api-keys/a%00b", "X-API-Key", TestServer.ADMIN_KEY),
                404, "not_found");
    }

    @Test
    void aPartnerIdOfAnyPlaneIsKeptAsGiven() {
        String partnerId = "Partner \ud83d\udca5 \u00e9\u0301 \u4e2d\t";
        HttpResponse<String> created = server.admin("POST", "/admin/clients",
                TestServer.write(Map.of("partnerId", partnerId)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        HttpResponse<String> listed = server.get("/admin/clients?partnerId="
                + java.net.URLEncoder.encode(partnerId, StandardCharsets.UTF_8).replace("+", "%20"),
                "X-API-Key", TestServer.ADMIN_KEY);
        assertThat(TestServer.json(listed).get("clients")).singleElement()
                .satisfies(client -> assertThat(client.get("partnerId").asText()).isEqualTo(partnerId));
    }
}
