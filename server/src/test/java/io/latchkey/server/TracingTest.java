package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.latchkey.server.tracing.Tracing;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenTelemetry traces over OTLP/HTTP, received by a collector stand-in the test runs: a span per
 * request with its route template and client id, the caller's {@code traceparent} as its parent,
 * and store transactions as child spans; a span per webhook delivery attempt, the receiver's parent. The payload is protobuf; strings and ids appear in it as
 * they are, which is all this test reads.
 */
@Tag("sqlite-only")
class TracingTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_SPAN_ID = "00f067aa0ba902b7";

    @TempDir
    Path dataDir;

    @Test
    void withoutOtelVariablesTracingIsOff() {
        assertThat(Tracing.fromEnvironment(Map.of())).isSameAs(Tracing.OFF);
        assertThat(Tracing.fromEnvironment(Map.of("OTEL_TRACES_EXPORTER", "none"))).isSameAs(Tracing.OFF);
        assertThat(Tracing.fromEnvironment(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1",
                "OTEL_SDK_DISABLED", "true"))).isSameAs(Tracing.OFF);
    }

    @Test
    void eachRequestIsASpanChildOfTheCallersTraceparentWithItsStoreWorkAsChildSpans() throws Exception {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        HttpServer collector = collector(received);
        try (ServerProcess server = ServerProcess.start(List.of(), Map.of(
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/traces",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                "OTEL_BSP_SCHEDULE_DELAY", "100"), dataDir, TestServer.ADMIN_KEY)) {
            HttpResponse<String> created = server.post("/admin/clients", "application/json", "{\"partnerId\":\"traced\"}",
                    "X-API-Key", TestServer.ADMIN_KEY);
            String clientId = TestServer.json(created).get("clientId").asText();
            String secret = TestServer.json(created).get("clientSecret").asText();
            HttpResponse<String> token = server.post("/oauth2/token", "application/x-www-form-urlencoded",
                    "grant_type=client_credentials&client_id=" + clientId + "&client_secret=" + secret,
                    "traceparent", "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01");
            assertThat(token.statusCode()).isEqualTo(200);

            byte[] traceId = HexFormat.of().parseHex(TRACE_ID);
            byte[] parentSpanId = HexFormat.of().parseHex(PARENT_SPAN_ID);
            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            while (!(contains(received, traceId) && contains(received, "POST /oauth2/token".getBytes())
                    && contains(received, "db.transaction".getBytes())) && Instant.now().isBefore(deadline)) {
                synchronized (received) {
                    received.wait(50); // woken by nothing: a bounded poll of what the collector got
                }
            }
            byte[] spans;
            synchronized (received) {
                spans = received.toByteArray();
            }
            String text = new String(spans, StandardCharsets.ISO_8859_1);
            assertThat(text).contains("POST /oauth2/token").contains("POST /admin/clients").contains("http.route")
                    .contains("latchkey.client_id").contains(clientId).contains("db.transaction").contains("latchkey");
            assertThat(contains(received, traceId)).as("the caller's trace id").isTrue();
            assertThat(contains(received, parentSpanId)).as("the caller's span as parent").isTrue();
            assertThat(text).doesNotContain(secret);
        } finally {
            collector.stop(0);
        }
    }

    @Test
    void eachWebhookDeliveryAttemptIsASpanWhoseTraceparentGoesOutWithIt() throws Exception {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        HttpServer collector = collector(received);
        try (WebhookReceiver receiver = new WebhookReceiver();
             ServerProcess server = ServerProcess.start(List.of(), Map.of(
                     "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/traces",
                     "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                     "OTEL_BSP_SCHEDULE_DELAY", "100",
                     "LATCHKEY_WEBHOOK_ALLOW_PRIVATE", "true"), dataDir, TestServer.ADMIN_KEY)) {
            String query = "token=kept-out-of-spans";
            assertThat(server.post("/admin/webhooks", "application/json", "{\"url\":\"" + receiver.url("/hooks?" + query)
                    + "\",\"events\":[\"client.created\"]}", "X-API-Key", TestServer.ADMIN_KEY).statusCode()).isEqualTo(201);
            server.post("/admin/clients", "application/json", "{\"partnerId\":\"traced\"}", "X-API-Key", TestServer.ADMIN_KEY);

            WebhookReceiver.Received delivery = receiver.awaitReceived(Duration.ofSeconds(20), all -> !all.isEmpty()).get(0);
            // Sampled (01), and maybe marked as having a random trace id (03).
            assertThat(delivery.traceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[13]");
            byte[] traceId = HexFormat.of().parseHex(delivery.traceparent().substring(3, 35));
            byte[] spanId = HexFormat.of().parseHex(delivery.traceparent().substring(36, 52));
            byte[] messageId = delivery.id().getBytes(StandardCharsets.US_ASCII);
            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            while (!(contains(received, spanId) && contains(received, messageId)) && Instant.now().isBefore(deadline)) {
                synchronized (received) {
                    received.wait(50); // woken by nothing: a bounded poll of what the collector got
                }
            }
            assertThat(contains(received, traceId)).as("the delivery's trace id").isTrue();
            assertThat(contains(received, spanId)).as("the delivery's span, the receiver's parent").isTrue();
            String text;
            synchronized (received) {
                text = received.toString(StandardCharsets.ISO_8859_1);
            }
            assertThat(text).contains("latchkey.webhook.message_id").contains(delivery.id())
                    .contains(receiver.url("/hooks")).doesNotContain(query);
        } finally {
            collector.stop(0);
        }
    }

    /** A collector stand-in: an OTLP/HTTP endpoint that keeps every export's bytes in {@code received}. */
    private static HttpServer collector(ByteArrayOutputStream received) throws java.io.IOException {
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            synchronized (received) {
                received.writeBytes(body);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse
            exchange.close();
        });
        collector.start();
        return collector;
    }

    private static boolean contains(ByteArrayOutputStream stream, byte[] needle) {
        byte[] haystack;
        synchronized (stream) {
            haystack = stream.toByteArray();
        }
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
