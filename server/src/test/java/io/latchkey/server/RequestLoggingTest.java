package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.latchkey.server.TestServer.Credentials;
import io.latchkey.server.logging.JsonLogEncoder;
import io.latchkey.server.logging.LogFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Every request carries a request id (the caller's {@code X-Request-Id} when sane, else a fresh
 * one), echoed in the response and present on every line logged while handling it, on event
 * loops and workers alike; the access log writes one line per request, without secrets; the JSON
 * format writes one object per line.
 */
class RequestLoggingTest {
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger access = context.getLogger("latchkey.access");
    private final Captured captured = new Captured();
    private final ByteArrayOutputStream jsonOut = new ByteArrayOutputStream();
    private OutputStreamAppender<ILoggingEvent> json;
    private final List<ch.qos.logback.core.Appender<ILoggingEvent>> consoleAppenders = new ArrayList<>();
    private Level rootLevel;
    private Level accessLevel;
    private TestServer server;

    @BeforeEach
    void captureLogs() {
        rootLevel = root.getLevel();
        accessLevel = access.getLevel();
        root.setLevel(Level.INFO);
        access.setLevel(Level.INFO);
        // INFO from every library would flood the console; the captures hold it all for the asserts.
        root.iteratorForAppenders().forEachRemaining(consoleAppenders::add);
        consoleAppenders.forEach(root::detachAppender);
        captured.setContext(context);
        captured.start();
        root.addAppender(captured);
        JsonLogEncoder encoder = new JsonLogEncoder();
        encoder.setContext(context);
        encoder.start();
        json = new OutputStreamAppender<>();
        json.setContext(context);
        json.setEncoder(encoder);
        json.setOutputStream(jsonOut);
        json.start();
        root.addAppender(json);
    }

    @AfterEach
    void stopAndRestore() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            root.detachAppender(captured);
            root.detachAppender(json);
            consoleAppenders.forEach(root::addAppender);
            captured.stop();
            json.stop();
            root.setLevel(rootLevel);
            access.setLevel(accessLevel);
        }
    }

    @Test
    void aSaneRequestIdIsEchoedAndAMissingOrInsaneOneIsGenerated() {
        server = TestServer.start();

        HttpResponse<String> given = server.get("/health/live", "X-Request-Id", "caller-id.42");
        HttpResponse<String> missing = server.get("/health/live");
        HttpResponse<String> tooLong = server.get("/health/live", "X-Request-Id", "a".repeat(129));
        HttpResponse<String> forged = server.get("/health/live", "X-Request-Id", "x\" level=ERROR");
        HttpResponse<String> onError = server.get("/no/such/path", "X-Request-Id", "lost-1");

        assertThat(requestId(given)).isEqualTo("caller-id.42");
        assertThat(requestId(missing)).matches("[0-9a-f]{16}");
        assertThat(requestId(tooLong)).matches("[0-9a-f]{16}");
        assertThat(requestId(forged)).matches("[0-9a-f]{16}");
        assertThat(requestId(onError)).isEqualTo("lost-1");
        assertThat(requestId(server.get("/health/live"))).isNotEqualTo(requestId(missing));
    }

    @Test
    void theAccessLogWritesOneLinePerRequestWithItsIdAndNoSecrets() {
        server = TestServer.start(config -> config.accessLog(true));
        Credentials client = server.createClient("acme");
        String secretInQuery = "qs-secret-" + client.secret();

        HttpResponse<String> token = server.send(HttpRequest.newBuilder(
                        server.uri("/oauth2/token?client_secret=" + secretInQuery))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", client.basic())
                .header("X-Request-Id", "token-1")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build());
        server.get("/oauth2/jwks", "X-Request-Id", "jwks-1");
        server.get("/admin/clients/" + secretInQuery, "X-API-Key", TestServer.ADMIN_KEY, "X-Request-Id", "path-1");
        server.get("/oauth2/jwks", "X-Request-Id", "jwks-2");

        assertThat(token.statusCode()).isEqualTo(200);
        String accessToken = TestServer.json(token).get("access_token").asText();
        ILoggingEvent line = awaitAccessLine("token-1");
        assertThat(line.getFormattedMessage()).startsWith("POST /oauth2/token status=200 bytes=")
                .contains("remote=127.0.0.1", "client_id=" + client.clientId())
                .doesNotContain("?", secretInQuery, client.secret(), accessToken, "Basic");
        assertThat(awaitAccessLine("path-1").getFormattedMessage())
                .startsWith("GET /admin/clients/:clientId status=404 ");
        awaitAccessLine("jwks-1");
        awaitAccessLine("jwks-2");
        assertThat(accessLines("token-1")).hasSize(1);
        assertThat(accessLines("jwks-1")).hasSize(1);
        assertThat(captured.events).allSatisfy(event -> assertThat(event.getFormattedMessage())
                .doesNotContain(secretInQuery, client.secret(), accessToken));
    }

    @Test
    void withoutTheAccessLogNoLineIsWritten() {
        server = TestServer.start();

        server.get("/health/live", "X-Request-Id", "quiet-1");
        server.get("/health/live", "X-Request-Id", "quiet-2");
        await(() -> serverCounted(2)); // both requests ended: their lines would have been written

        assertThat(captured.events).noneMatch(event -> "latchkey.access".equals(event.getLoggerName()));
    }

    @Test
    void jsonLogsAreOneObjectPerLineWithTheRequestIdAlsoOnWorkerThreads() throws IOException {
        server = TestServer.start(config -> config.accessLog(true));

        HttpResponse<String> rotated = server.send(HttpRequest.newBuilder(server.uri("/admin/keys/rotate"))
                .header("X-API-Key", TestServer.ADMIN_KEY).header("X-Request-Id", "rotate-1")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        awaitAccessLine("rotate-1");

        List<JsonNode> lines = new ArrayList<>();
        for (String line : jsonOut.toString(StandardCharsets.UTF_8).split("\n")) {
            JsonNode node = TestServer.JSON.readTree(line);
            assertThat(node.isObject()).as(line).isTrue();
            assertThat(node.fieldNames()).toIterable().contains("timestamp", "level", "logger", "message");
            assertThat(Instant.parse(node.get("timestamp").asText())).isNotNull();
            lines.add(node);
        }
        List<JsonNode> ofRequest = lines.stream()
                .filter(node -> node.has("requestId") && node.get("requestId").asText().equals("rotate-1")).toList();
        // KeyService logs the rotation from the worker thread that ran it.
        assertThat(ofRequest).anySatisfy(node -> {
            assertThat(node.get("message").asText()).startsWith("Rotated signing keys");
            assertThat(node.get("thread").asText()).contains("worker");
        });
        assertThat(ofRequest).anySatisfy(node -> {
            assertThat(node.get("logger").asText()).isEqualTo("latchkey.access");
            assertThat(node.get("message").asText()).startsWith("POST /admin/keys/rotate status=200");
        });
        assertThat(lines).noneMatch(node -> node.has("exception"));
    }

    @Test
    void aLogFormatOtherThanTextOrJsonIsRefused() {
        assertThat(LogFormat.parse("JSON")).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.parse(null)).isEqualTo(LogFormat.TEXT);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LogFormat.parse("xml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("LATCHKEY_LOG_FORMAT must be text or json, not 'xml'");
    }

    private boolean serverCounted(int requests) {
        String text = server.get("/metrics").body();
        return PrometheusText.parse(text).value("latchkey_http_requests_seconds_count", "route", "/health/live")
                >= requests;
    }

    private List<ILoggingEvent> accessLines(String requestId) {
        return captured.events.stream().filter(event -> "latchkey.access".equals(event.getLoggerName())
                && requestId.equals(event.getMDCPropertyMap().get("requestId"))).toList();
    }

    private ILoggingEvent awaitAccessLine(String requestId) {
        return awaitEvent(event -> "latchkey.access".equals(event.getLoggerName())
                && requestId.equals(event.getMDCPropertyMap().get("requestId")));
    }

    /** The access line is written as the response ends, which may be just after the client has it. */
    private ILoggingEvent awaitEvent(Predicate<ILoggingEvent> wanted) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(deadline)) {
            for (ILoggingEvent event : captured.events) {
                if (wanted.test(event)) {
                    return event;
                }
            }
            LockSupport.parkNanos(1_000_000);
        }
        throw new AssertionError("no such log line within 10 s; lines: " + captured.events.stream()
                .map(ILoggingEvent::getFormattedMessage).toList());
    }

    private static void await(BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("condition not met within 10 s");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static String requestId(HttpResponse<String> response) {
        return response.headers().firstValue("X-Request-Id").orElseThrow();
    }

    /** Keeps every event, safe to read while the server's threads append. */
    private static final class Captured extends AppenderBase<ILoggingEvent> {
        final Queue<ILoggingEvent> events = new ConcurrentLinkedQueue<>();

        @Override
        protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing();
            events.add(event);
        }
    }
}
