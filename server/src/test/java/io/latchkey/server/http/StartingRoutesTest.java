package io.latchkey.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.metrics.LatchkeyMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What answers while the store is still being opened: health routes and JSON fallbacks, with the
 * same security headers as the full router (a probe or a browser can reach a starting server).
 */
class StartingRoutesTest {
    private static Vertx vertx;
    private static LatchkeyMetrics metrics;
    private static HttpServer server;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        metrics = new LatchkeyMetrics();
        RequestObserver observer = new RequestObserver(metrics, false);
        server = vertx.createHttpServer()
                .requestHandler(Routes.starting(vertx, true, () -> false, observer))
                .listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        metrics.close();
    }

    @Test
    void readinessAnswers503WithTheSecurityHeaders() throws Exception {
        HttpResponse<String> response = get("/health/ready");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("\"DOWN\"");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");
    }

    @Test
    void routesNotUpYetAnswerJson404WithTheSecurityHeaders() throws Exception {
        HttpResponse<String> response = get("/oauth2/jwks");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
