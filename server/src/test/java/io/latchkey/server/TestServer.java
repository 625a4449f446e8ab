package io.latchkey.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.latchkey.core.secret.PerThreadSecureRandom;
import io.latchkey.server.config.ServerConfig;
import io.latchkey.testing.SettableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Latchkey on a random port and a temporary data dir, with a clock the test moves, and a
 * plain {@link HttpClient} to talk to it. Every test talks HTTP to it; nothing is mocked. With
 * {@code -Dlatchkey.test.store=postgres} (the surefire execution "postgres") it runs on a fresh
 * PostgreSQL database instead of SQLite.
 *
 * <p>A test class that needs one server gets it as a JUnit extension, which starts and stops it:
 * <pre>
 * &#64;RegisterExtension
 * static final TestServer server = TestServer.extension();   // one for the class
 *
 * &#64;RegisterExtension
 * final TestServer server = TestServer.extension(config -&gt; config.authFailureBurst(3)); // one per test
 * </pre>
 * On a static field the server is started before the class's {@code @BeforeAll} methods and
 * closed after its {@code @AfterAll} methods; on an instance field, around each test, before its
 * {@code @BeforeEach} and after its {@code @AfterEach} methods. A test that starts servers of its
 * own calls {@link #start} and closes them, try-with-resources.
 */
public final class TestServer
        implements AutoCloseable, BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    public static final String ADMIN_KEY = "test-admin-key-0123456789abcdefghijklmnopqrstuvwxyz";
    public static final ObjectMapper JSON = new ObjectMapper();

    private final SettableClock clock = SettableClock.startingNow();
    private final Consumer<ServerConfig.Builder> customizer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Path dataDir;
    private String dbUrl;
    private LatchkeyServer server;
    /** The unique id of the extension context (class or test) whose end closes this server. */
    private String startedFor;

    private TestServer(Consumer<ServerConfig.Builder> customizer) {
        this.customizer = customizer;
    }

    public static TestServer start() {
        return start(builder -> { });
    }

    /** Starts with the defaults, {@link #ADMIN_KEY} as configured admin key, and {@code customizer}'s changes. */
    public static TestServer start(Consumer<ServerConfig.Builder> customizer) {
        TestServer server = new TestServer(customizer);
        server.startOnAFreshStore();
        return server;
    }

    /** A server with the defaults, not started yet: for {@code @RegisterExtension} (see above). */
    public static TestServer extension() {
        return extension(builder -> { });
    }

    /** A server as {@link #start(Consumer)} would start it, not started yet: for {@code @RegisterExtension}. */
    public static TestServer extension(Consumer<ServerConfig.Builder> customizer) {
        return new TestServer(customizer);
    }

    private void startOnAFreshStore() {
        try {
            dataDir = Files.createTempDirectory("latchkey-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        dbUrl = PostgresForTests.selected() ? PostgresForTests.newDatabase() : null;
        clock.set(Instant.now());
        server = LatchkeyServer.start(config(), clock, new PerThreadSecureRandom());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        startOnceFor(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        startOnceFor(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        closeIfStartedFor(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        closeIfStartedFor(context);
    }

    /**
     * The first callback starts the server: a static field's extension is called before all
     * tests (then before each, and for nested classes, while it runs), an instance field's only
     * before each test.
     */
    private void startOnceFor(ExtensionContext context) {
        if (server == null) {
            startOnAFreshStore();
            startedFor = context.getUniqueId();
        }
    }

    private void closeIfStartedFor(ExtensionContext context) {
        if (server != null && context.getUniqueId().equals(startedFor)) {
            LatchkeyServer started = server;
            server = null; // a later test of a per-class test instance starts a fresh one
            startedFor = null;
            started.close();
        }
    }

    private ServerConfig config() {
        ServerConfig.Builder builder = ServerConfig.builder().port(0).host("127.0.0.1").dataDir(dataDir)
                .adminApiKey(ADMIN_KEY).dbUrl(dbUrl).dbUser("postgres")
                // Suites fail on purpose thousands of times from one address; RateLimitTest sets its own.
                .authFailureBurst(1_000_000).authFailurePerMinute(1_000_000)
                // Likewise for revocations; RevocationLimitsTest sets its own.
                .revocationsPerMinute(1_000_000);
        customizer.accept(builder);
        return builder.build();
    }

    /** Stops the server and starts a new one on the same data dir, clock and configuration. */
    public void restart() {
        restart(() -> { });
    }

    /** Stops the server, runs {@code whileStopped} (on its data, say), then starts it again. */
    public void restart(Runnable whileStopped) {
        server.close();
        whileStopped.run();
        server = LatchkeyServer.start(config(), clock, new PerThreadSecureRandom());
    }

    public LatchkeyServer server() {
        return server;
    }

    public SettableClock clock() {
        return clock;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The PostgreSQL database of this server (user {@code postgres}), or {@code null} on the embedded store. */
    public String dbUrl() {
        return dbUrl;
    }

    /** The JDBC URL of this server's store: the SQLite file in the data dir, or its PostgreSQL database. */
    public String storeUrl() {
        return dbUrl != null ? dbUrl : "jdbc:sqlite:" + dataDir.resolve("latchkey.db").toAbsolutePath().normalize();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public URI uri(String path) {
        return URI.create(baseUrl() + path);
    }

    public String issuer() {
        return server.issuer();
    }

    // --- requests ---------------------------------------------------------------------------

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String path, String... headers) {
        return send(request(path, headers).GET().build());
    }

    public HttpResponse<String> delete(String path, String... headers) {
        return send(request(path, headers).DELETE().build());
    }

    public HttpResponse<String> postJson(String path, String json, String... headers) {
        return send(request(path, headers).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public HttpResponse<String> postForm(String path, Map<String, String> form, String... headers) {
        return send(request(path, headers).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formEncode(form))).build());
    }

    /** The pipeline endpoint of SPEC §2 with a JSON body built from {@code fields}. */
    public HttpResponse<String> pipeline(Map<String, ?> fields) {
        return postJson("/pipeline/oauth2", write(fields));
    }

    public HttpResponse<String> admin(String method, String path, String json) {
        HttpRequest.Builder builder = request(path, "X-API-Key", ADMIN_KEY);
        if (json == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return send(builder.build());
    }

    /** Creates a client through the admin API. */
    public Credentials createClient(String partnerId, String... scopes) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("partnerId", partnerId);
        body.put("scopes", scopes);
        HttpResponse<String> response = admin("POST", "/admin/clients", write(body));
        if (response.statusCode() != 201) {
            throw new IllegalStateException("create client answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode json = json(response);
        return new Credentials(json.get("clientId").asText(), json.get("clientSecret").asText());
    }

    /** A client_credentials grant on {@code /oauth2/token} with Basic auth; the parsed response. */
    public JsonNode token(Credentials client, String... extraFormPairs) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        for (int i = 0; i + 1 < extraFormPairs.length; i += 2) {
            form.put(extraFormPairs[i], extraFormPairs[i + 1]);
        }
        HttpResponse<String> response = postForm("/oauth2/token", form, "Authorization", client.basic());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("token answered " + response.statusCode() + ": " + response.body());
        }
        return json(response);
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + response.body(), e);
        }
    }

    public static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String formEncode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return builder;
    }

    @Override
    public void close() {
        server.close();
    }

    /** A client's id and secret, as the admin API returned them. */
    public record Credentials(String clientId, String secret) {
        /** RFC 6749 §2.3.1: form-urlencode each part, then base64 them joined by a colon. */
        public String basic() {
            String pair = URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
                    + URLEncoder.encode(secret, StandardCharsets.UTF_8);
            return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        }
    }
}
