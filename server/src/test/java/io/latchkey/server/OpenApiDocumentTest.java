package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /openapi.json}: a valid OpenAPI 3.1 document that describes exactly the routes the
 * server registers, whose pipeline examples (the integration model's, verbatim) are what the
 * server really accepts and answers.
 */
class OpenApiDocumentTest {
    private static final String PIPELINE = "/pipeline/oauth2";
    private static final List<String> OPERATIONS = List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    /**
     * Routes the server may register without documenting them: the web console's static assets
     * (HTML, scripts, styles for a browser), which are not an API.
     */
    private static final Predicate<String> UNDOCUMENTED_ALLOWED =
            route -> route.startsWith("GET /console") || route.startsWith("HEAD /console");

    @RegisterExtension
    static final TestServer server = TestServer.extension();
    private static HttpResponse<String> served;
    private static JsonNode document;

    @BeforeAll
    static void start() {
        served = server.get("/openapi.json");
        document = TestServer.json(served);
    }

    @Test
    void theDocumentIsServedAsCacheableJson() {
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(served.headers().firstValue("Cache-Control")).hasValueSatisfying(
                value -> assertThat(value).contains("max-age="));
    }

    /** The JDK's client asks for an h2c upgrade; Vert.x used to garble a body this large in reply. */
    @Test
    void theDocumentReachesClientsThatAskForAnHttp2Upgrade() throws Exception {
        for (int i = 0; i < 30; i++) {
            HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
            HttpResponse<String> response = fresh.send(HttpRequest.newBuilder(server.uri("/openapi.json"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(served.body());
        }
    }

    @Test
    void theDocumentIsValidOpenApi31() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setResolveFully(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(served.body(), null, options);

        assertThat(result.getMessages()).isEmpty();
        assertThat(result.getOpenAPI().getOpenapi()).startsWith("3.1.");
        assertThat(result.getOpenAPI().getPaths()).containsKeys(PIPELINE, "/oauth2/token", "/admin/clients");
    }

    @Test
    void everyRegisteredRouteIsDocumentedAndEveryDocumentedRouteIsRegistered() {
        Set<String> registered = registeredRoutes();
        Set<String> documented = documentedRoutes();
        assertThat(registered).contains("POST /pipeline/oauth2", "GET /admin/clients/{clientId}", "GET /openapi.json");

        Set<String> undocumented = new TreeSet<>(registered);
        undocumented.removeAll(documented);
        undocumented.removeIf(UNDOCUMENTED_ALLOWED);
        Set<String> unregistered = new TreeSet<>(documented);
        unregistered.removeAll(registered);

        assertThat(undocumented).as("registered but not in openapi.json").isEmpty();
        assertThat(unregistered).as("in openapi.json but not registered").isEmpty();
    }

    @Test
    void everyOperationAnswersErrorsWithADocumentedSchema() {
        document.get("paths").fields().forEachRemaining(path -> OPERATIONS.forEach(method -> {
            JsonNode operation = path.getValue().get(method);
            if (operation == null) {
                return;
            }
            operation.get("responses").fields().forEachRemaining(response -> {
                if (response.getKey().startsWith("4")
                        || (response.getKey().equals("503") && !path.getKey().startsWith("/health"))) {
                    JsonNode resolved = resolve(response.getValue());
                    assertThat(resolved.at("/content/application~1json/schema").toString())
                            .as("%s %s %s", method, path.getKey(), response.getKey())
                            .containsAnyOf("PipelineError", "OAuthError");
                }
            });
        }));
    }

    /** Each flow's request example, with the live values put in, gets the example answer's fields. */
    @Test
    void thePipelineExamplesAreWhatTheServerAcceptsAndAnswers() {
        JsonNode requests = document.at("/paths/~1pipeline~1oauth2/post/requestBody/content/application~1json/examples");
        JsonNode responses = document.at("/paths/~1pipeline~1oauth2/post/responses/200/content/application~1json/examples");
        assertThat(names(requests)).containsExactlyInAnyOrder(
                "credentialGeneration", "tokenRetrieval", "tokenRefresh", "credentialRemoval");
        assertThat(names(responses)).isEqualTo(names(requests));

        // The seed's placeholders, and what stands for them on a live server.
        Map<String, String> live = new HashMap<>();
        live.put("...", TestServer.ADMIN_KEY);

        JsonNode created = exchange(requests, responses, "credentialGeneration", live);
        live.put("clientId", created.get("clientId").asText());
        live.put("clientSecret", created.get("clientSecret").asText());

        JsonNode tokens = exchange(requests, responses, "tokenRetrieval", live);
        live.put(requests.at("/tokenRefresh/value/refresh_token").asText(), tokens.get("refresh_token").asText());
        exchange(requests, responses, "tokenRefresh", live);

        exchange(requests, responses, "credentialRemoval", live);
    }

    /** Sends the named request example with its placeholders replaced; checks the answer against the response example. */
    private static JsonNode exchange(JsonNode requests, JsonNode responses, String name, Map<String, String> live) {
        ObjectNode request = requests.get(name).get("value").deepCopy();
        request.fields().forEachRemaining(field -> {
            if (field.getValue().isTextual() && live.containsKey(field.getValue().asText())) {
                field.setValue(TestServer.JSON.getNodeFactory().textNode(live.get(field.getValue().asText())));
            }
        });
        HttpResponse<String> response = server.postJson(PIPELINE, request.toString());
        assertThat(response.statusCode()).as(name + ": " + response.body()).isEqualTo(200);
        JsonNode answer = TestServer.json(response);
        JsonNode example = responses.get(name).get("value");

        assertThat(names(answer)).as(name).isEqualTo(names(example));
        example.fields().forEachRemaining(field -> {
            JsonNode actual = answer.get(field.getKey());
            assertThat(actual.getNodeType()).as(name + "." + field.getKey()).isEqualTo(field.getValue().getNodeType());
            if (!field.getValue().isTextual() || field.getKey().equals("token_type")) {
                // Numbers and constants are the seed's own: expires_in is 3600000, in milliseconds.
                assertThat(actual).as(name + "." + field.getKey()).isEqualTo(field.getValue());
            }
        });
        if (example.has("message")) {
            String clientId = live.get("clientId");
            assertThat(answer.get("message").asText())
                    .isEqualTo(example.get("message").asText().replaceAll("clientId$", clientId));
        }
        return answer;
    }

    private static Set<String> registeredRoutes() {
        Set<String> routes = new TreeSet<>();
        for (Route route : server.server().router().getRoutes()) {
            Set<HttpMethod> methods = route.methods();
            if (route.getPath() == null || methods == null || methods.isEmpty()) {
                continue; // handlers for every request or a whole prefix (headers, the admin guard)
            }
            String path = route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
            methods.forEach(method -> routes.add(method.name() + " " + path));
        }
        return routes;
    }

    private static Set<String> documentedRoutes() {
        Set<String> routes = new TreeSet<>();
        document.get("paths").fields().forEachRemaining(path -> OPERATIONS.forEach(method -> {
            if (path.getValue().has(method)) {
                routes.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        return routes;
    }

    private static JsonNode resolve(JsonNode node) {
        if (!node.has("$ref")) {
            return node;
        }
        return document.at(node.get("$ref").asText().substring(1));
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        Iterator<String> fields = object.fieldNames();
        fields.forEachRemaining(names::add);
        return names;
    }
}
