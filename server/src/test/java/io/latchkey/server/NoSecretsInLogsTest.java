package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * SPEC §2: "no log line holds" a secret, a token or an API key. Every logger is turned up to
 * DEBUG and captured from before the server starts, the flows run, and every captured message,
 * argument and stack trace is searched for what went over the wire.
 */
class NoSecretsInLogsTest {
    private static final String PATH = "/pipeline/oauth2";
    private static final String KEY = TestServer.ADMIN_KEY;

    private final Set<String> secrets = new LinkedHashSet<>();
    private final Map<Logger, Level> savedLevels = new HashMap<>();
    private final List<Appender<ILoggingEvent>> consoleAppenders = new ArrayList<>();
    private ListAppender<ILoggingEvent> appender;
    private TestServer server;

    @BeforeEach
    void captureEveryLogLineThenStart() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        appender = new ListAppender<>();
        appender.setContext(context);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (Logger logger : context.getLoggerList()) {
            if (logger.getLevel() != null) {
                savedLevels.put(logger, logger.getLevel());
                logger.setLevel(Level.DEBUG);
            }
        }
        root.setLevel(Level.DEBUG);
        // DEBUG from every library would flood the console; the list holds it all for the asserts.
        root.iteratorForAppenders().forEachRemaining(consoleAppenders::add);
        consoleAppenders.forEach(root::detachAppender);
        root.addAppender(appender);
        server = TestServer.start(config -> config.accessLog(true)); // its lines are searched too
        secrets.add(KEY);
    }

    @AfterEach
    void stopAndRestoreLogging() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.detachAppender(appender);
            consoleAppenders.forEach(root::addAppender);
            appender.stop();
            savedLevels.forEach(Logger::setLevel);
        }
    }

    @Test
    void theFourPipelineFlowsLogNoSecretTokenOrApiKey() {
        JsonNode created = ok(server.pipeline(Map.of("partnerId", "TestSystem", "executionType", "create", "apikey", KEY)));
        String clientId = created.get("clientId").asText();
        String clientSecret = remember(created.get("clientSecret").asText());

        JsonNode issued = ok(server.pipeline(Map.of("username", clientId, "password", clientSecret,
                "grant_type", "client_credentials")));
        rememberTokens(issued);

        JsonNode refreshed = ok(server.pipeline(Map.of("grant_type", "refresh_token",
                "refresh_token", issued.get("refresh_token").asText())));
        rememberTokens(refreshed);

        ok(server.pipeline(Map.of("clientId", clientId, "executionType", "delete", "apikey", KEY)));

        assertNoSecretWasLogged();
    }

    @Test
    void failuresAndAdminOperationsLogNoSecretTokenOrApiKey() {
        JsonNode created = ok(server.pipeline(Map.of("partnerId", "TestSystem", "executionType", "create", "apikey", KEY)));
        String clientId = created.get("clientId").asText();
        TestServer.Credentials client = new TestServer.Credentials(clientId, remember(created.get("clientSecret").asText()));
        JsonNode tokens = server.token(client);
        rememberTokens(tokens);
        String refreshToken = tokens.get("refresh_token").asText();

        // Failures of every kind on the pipeline, each carrying something secret.
        String wrongSecret = remember(random());
        String wrongApiKey = remember("lk_" + random());
        fails(server.pipeline(Map.of("username", clientId, "password", wrongSecret, "grant_type", "client_credentials")));
        fails(server.pipeline(Map.of("username", "AAAAAAAAAAAAAAAAAAAAAA", "password", client.secret(),
                "grant_type", "client_credentials")));
        fails(server.pipeline(Map.of("partnerId", "TestSystem", "executionType", "create", "apikey", wrongApiKey)));
        fails(server.pipeline(Map.of("clientId", clientId, "executionType", "delete", "apikey", wrongApiKey)));
        fails(server.pipeline(Map.of("grant_type", "password", "username", clientId, "password", client.secret())));
        rememberTokens(ok(server.pipeline(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken))));
        fails(server.pipeline(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken))); // reuse
        fails(server.pipeline(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken + "x")));
        fails(server.postJson(PATH, "{\"username\":\"" + clientId + "\",\"password\":\"" + client.secret() + "\""));
        fails(server.postJson(PATH, "{\"apikey\":\"" + KEY + "\",\"apikey\":\"" + wrongApiKey + "\"}"));
        fails(server.postJson(PATH, "{\"password\":\"" + client.secret() + "\",\"pad\":\"" + "x".repeat(20_000) + "\"}"));
        fails(server.send(HttpRequest.newBuilder(server.uri(PATH)).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"password\":\"" + client.secret() + "\"}")).build()));

        // The standard endpoints and the admin API.
        fails(server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials", "client_id", clientId,
                "client_secret", wrongSecret)));
        fails(server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                "Authorization", new TestServer.Credentials(clientId, wrongSecret).basic()));
        ok(server.postForm("/oauth2/introspect", Map.of("token", tokens.get("access_token").asText()), "X-API-Key", KEY));
        ok(server.postForm("/oauth2/revoke", Map.of("token", tokens.get("access_token").asText()),
                "Authorization", client.basic()));
        fails(server.get("/admin/clients", "X-API-Key", wrongApiKey));
        JsonNode apiKey = TestServer.json(server.admin("POST", "/admin/api-keys", "{\"name\":\"logged?\"}"));
        String newApiKey = remember(apiKey.get("apiKey").asText());
        ok(server.get("/admin/clients", "X-API-Key", newApiKey));
        ok(server.admin("DELETE", "/admin/api-keys/" + apiKey.get("id").asText(), null));
        fails(server.get("/admin/clients", "X-API-Key", newApiKey));
        JsonNode rotated = ok(server.admin("POST", "/admin/clients/" + clientId + "/secret", "{\"graceSeconds\":60}"));
        remember(rotated.get("clientSecret").asText());
        ok(server.admin("POST", "/admin/keys/rotate", null));
        TestServer.Credentials adminCreated = server.createClient("Other", "a");
        remember(adminCreated.secret());
        rememberTokens(server.token(adminCreated));

        assertNoSecretWasLogged();
    }

    /**
     * Requests Vert.x or Netty refuse while decoding them: their exception messages quote the
     * undecodable part, so a secret next to a bad escape must not reach a log line.
     */
    @Test
    void malformedPathsQueriesAndHeadersCarryingASecretLogNoSecret() {
        String secret = remember(random());
        String apiKey = remember("lk_" + random());
        fails(raw("GET", "/admin/clients?partnerId=" + secret + "%", null));
        fails(raw("GET", "/admin/clients?" + secret + "%zz=x", null));
        fails(raw("POST", "/admin/clients/" + secret + "%zz/secret", new byte[0]));
        fails(raw("DELETE", "/admin/api-keys/" + secret + "%zz", null));
        fails(RawHttp.exchange(server.server().port(), "GET", "/admin/clients",
                List.of("X-API-Key", apiKey + "\u00ff"), null, java.time.Duration.ofSeconds(10)).status());

        assertNoSecretWasLogged();
    }

    /**
     * A form whose names or values do not decode, a secret beside the bad escape. Netty's decoder
     * quotes the body when it fails, and Vert.x Web's BodyHandler had it decode every form: the
     * secret reached the log at ERROR, later still at DEBUG. The endpoints now read raw bytes and
     * parse them themselves, so no line at any level may hold it.
     */
    @Test
    void malformedFormsCarryingASecretLogNoSecret() {
        String secret = remember(random());
        fails(rawForm("/oauth2/token", "grant_type=client_credentials&client_id=x&client_secret=" + secret + "%2"));
        fails(rawForm("/oauth2/token", "grant_type=client_credentials&" + secret + "%zz=x"));
        fails(rawForm("/oauth2/introspect", "token=" + secret + "%"));
        fails(rawForm("/oauth2/revoke", "token=" + secret + "%G1"));
        fails(rawForm("/pipeline/oauth2", "password=" + secret + "%zz"));
        fails(rawForm("/admin/clients", "partnerId=" + secret + "%"));

        assertNoSecretWasLogged();
    }

    // --- helpers -----------------------------------------------------------------------------

    private int raw(String method, String target, byte[] body) {
        return RawHttp.exchange(server.server().port(), method, target, List.of("X-API-Key", KEY), body,
                java.time.Duration.ofSeconds(10)).status();
    }

    private HttpResponse<String> rawForm(String path, String body) {
        return server.send(HttpRequest.newBuilder(server.uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static void fails(int status) {
        assertThat(status).isBetween(400, 499);
    }

    private void assertNoSecretWasLogged() {
        // Server threads may still be logging (the access line of the last answer): read a copy
        // taken under the appender's own lock, which AppenderBase.doAppend holds while appending.
        List<ILoggingEvent> events;
        synchronized (appender) {
            events = new ArrayList<>(appender.list);
        }
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent event : events) {
            lines.add(textOf(event));
        }
        // The capture works: the server's own start-up line was seen, so silence means something.
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("Latchkey ready"));
        for (String secret : secrets) {
            assertThat(lines).as("log lines holding a secret").noneMatch(line -> line.contains(secret));
        }
    }

    private static String textOf(ILoggingEvent event) {
        StringBuilder text = new StringBuilder();
        text.append(event.getLoggerName()).append(' ').append(event.getFormattedMessage()).append(' ')
                .append(event.getMessage());
        if (event.getArgumentArray() != null) {
            text.append(' ').append(Arrays.deepToString(event.getArgumentArray()));
        }
        if (event.getKeyValuePairs() != null) {
            text.append(' ').append(event.getKeyValuePairs());
        }
        text.append(' ').append(event.getMDCPropertyMap());
        if (event.getThrowableProxy() != null) {
            text.append(' ').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
        }
        return text.toString();
    }

    private String remember(String secret) {
        secrets.add(secret);
        return secret;
    }

    /** Both tokens, and their signatures on their own: a logged signature is as bad as the token. */
    private void rememberTokens(JsonNode tokens) {
        for (String name : List.of("access_token", "refresh_token")) {
            String token = tokens.get(name).asText();
            remember(token);
            remember(token.substring(token.lastIndexOf('.') + 1));
        }
    }

    private static JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return TestServer.json(response);
    }

    private static void fails(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isBetween(400, 499);
    }

    private static String random() {
        return UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
    }
}
