package io.latchkey.server.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sending side of a delivery against a real HTTP server: the guard at send time, redirects, big answers. */
class WebhookSenderTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private HttpServer http;
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void startReceiver() throws Exception {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/ok", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        http.createContext("/redirect", exchange -> {
            requests.incrementAndGet();
            exchange.getResponseHeaders().add("Location", url("/ok").toString());
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        http.createContext("/huge", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, 0);
            byte[] chunk = new byte[8192];
            try (var body = exchange.getResponseBody()) {
                for (int i = 0; i < 10_000; i++) {
                    body.write(chunk);
                }
            } catch (java.io.IOException cutOff) {
                // the sender stopped reading: what it should do
            }
            exchange.close();
        });
        http.start();
    }

    @AfterEach
    void stopReceiver() {
        http.stop(0);
    }

    @Test
    void aTargetWhoseAddressIsLoopbackIsRefusedAtSendTimeWithoutARequest() {
        WebhookSender sender = new WebhookSender(new WebhookAddresses(false));

        WebhookSender.Outcome outcome = sender.send(url("/ok"), "msg_1", 1, "{}", KEY);

        assertThat(outcome.delivered()).isFalse();
        assertThat(outcome.error()).contains("refused");
        assertThat(requests.get()).isZero();
    }

    @Test
    void aRedirectIsAFailureAndIsNotFollowed() {
        WebhookSender.Outcome outcome = new WebhookSender(new WebhookAddresses(true))
                .send(url("/redirect"), "msg_1", 1, "{}", KEY);

        assertThat(outcome.delivered()).isFalse();
        assertThat(outcome.statusCode()).isEqualTo(302);
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void aHugeAnswerIsCutOffAndItsStatusCounts() {
        WebhookSender.Outcome outcome = new WebhookSender(new WebhookAddresses(true))
                .send(url("/huge"), "msg_1", 1, "{}", KEY);

        assertThat(outcome.delivered()).isTrue();
        assertThat(outcome.statusCode()).isEqualTo(200);
    }

    @Test
    void theSignatureIsV1AndTheBase64HmacSha256OfIdTimestampAndBody() {
        // Computed apart from this code: printf 'msg_1.1700000000.{"a":1}' | openssl dgst -sha256 -hmac KEY -binary | base64
        assertThat(WebhookSender.signature(KEY, "msg_1", 1_700_000_000L, "{\"a\":1}"))
                .isEqualTo("v1,rkwp5YuvdrMkcu0ZhuMsXoTg44mHAr1Q0+FFgFpXsjY=");
    }

    @Test
    void anyTwoHundredIsDelivered() {
        WebhookSender.Outcome outcome = new WebhookSender(new WebhookAddresses(true))
                .send(url("/ok"), "msg_1", 1, "{}", KEY);

        assertThat(outcome.delivered()).isTrue();
        assertThat(outcome.statusCode()).isEqualTo(204);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + path);
    }
}
