package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.latchkey.server.TestServer.Credentials;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every gateway configuration of docs/gateways.md must do, run against a real gateway on
 * loopback in front of an upstream that echoes what reached it: a live token reaches the upstream
 * with its client, partner, scopes and subject, and a caller's own {@code X-Latchkey-*} headers do
 * not; every dead token is refused 401, the wrong audience or too few scopes 403, with the check's
 * challenge where the gateway passes it on, and the upstream never sees them. A subclass starts
 * its gateway from the snippet.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GatewayContract {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TestServer latchkey;
    private Credentials client;
    private HttpServer upstream;
    private Process gateway;
    private int port;

    /** A started gateway and the log to show if it exits before it listens. */
    record Gateway(Process process, Path log) {}

    /**
     * Starts the gateway on 127.0.0.1:{@code listen}, routing {@code /orders/} (audience orders,
     * scope orders:read), {@code /billing/} (audience billing) and {@code /orders-admin/} (scopes
     * orders:read and orders:admin) through Latchkey's check to the upstream.
     *
     * @param home an empty temporary directory of its own
     */
    abstract Gateway start(Path home, int listen, int latchkeyPort, int upstreamPort) throws IOException;

    /** Whether the check's challenge reaches the caller on a 403 too (nginx copies it on a 401 only). */
    boolean passesTheForbiddenChallenge() {
        return true;
    }

    @BeforeAll
    void start() throws Exception {
        latchkey = TestServer.start(config -> config.audience("orders"));
        client = latchkey.createClient("acme", "orders:read");
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            var headers = exchange.getRequestHeaders();
            byte[] body = ("client=" + headers.getFirst("X-Latchkey-Client-Id")
                    + " partner=" + headers.getFirst("X-Latchkey-Partner-Id")
                    + " scope=" + headers.getFirst("X-Latchkey-Scope")
                    + " subject=" + headers.getFirst("X-Latchkey-Subject")
                    + " path=" + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        upstream.start();
        port = freePort();
        Gateway started = start(Files.createTempDirectory("latchkey-gateway"), port, latchkey.server().port(),
                upstream.getAddress().getPort());
        gateway = started.process();
        awaitListening(Duration.ofSeconds(20), started.log());
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.destroy();
            if (!gateway.waitFor(10, TimeUnit.SECONDS)) {
                gateway.destroyForcibly();
            }
        }
        if (upstream != null) {
            upstream.stop(0);
        }
        if (latchkey != null) {
            latchkey.close();
        }
    }

    @Test
    void aLiveTokenReachesTheUpstreamWithItsClientPartnerScopeAndSubject() throws IOException {
        HttpResponse<String> response = get("/orders/42", bearer(accessToken()));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("client=" + client.clientId() + " partner=acme scope=orders:read subject="
                + client.clientId() + " path=/orders/42");
    }

    @Test
    void aCallersOwnLatchkeyHeadersAreOverwrittenByTheChecksAnswer() throws IOException {
        HttpResponse<String> response = get("/orders/42", "Authorization", "Bearer " + accessToken(),
                "X-Latchkey-Partner-Id", "someone-else", "X-Latchkey-Scope", "orders:admin");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains(" partner=acme scope=orders:read ");
    }

    @Test
    void noTokenOrAGarbageOneIsRefused401() throws IOException {
        HttpResponse<String> missing = get("/orders/42");
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"latchkey\"");
        assertThat(missing.body()).doesNotContain("client=");

        HttpResponse<String> garbage = get("/orders/42", bearer("garbage"));
        assertThat(garbage.statusCode()).isEqualTo(401);
        assertThat(garbage.headers().firstValue("WWW-Authenticate"))
                .hasValue("Bearer realm=\"latchkey\", error=\"invalid_token\"");
    }

    @Test
    void aRefreshTokenAsBearerIsRefused401() throws IOException {
        assertThat(get("/orders/42", bearer(latchkey.token(client).get("refresh_token").asText())).statusCode())
                .isEqualTo(401);
    }

    @Test
    void aRevokedTokenIsRefused401() throws IOException {
        String token = accessToken();
        assertThat(get("/orders/42", bearer(token)).statusCode()).isEqualTo(200);

        OAuthRequests.revoke(latchkey, client, token);

        assertThat(get("/orders/42", bearer(token)).statusCode()).isEqualTo(401);
    }

    @Test
    void aDeletedClientsTokenIsRefused401() throws IOException {
        Credentials doomed = latchkey.createClient("acme", "orders:read");
        String token = latchkey.token(doomed).get("access_token").asText();
        assertThat(get("/orders/42", bearer(token)).statusCode()).isEqualTo(200);

        assertThat(latchkey.admin("DELETE", "/admin/clients/" + doomed.clientId(), null).statusCode()).isEqualTo(200);

        assertThat(get("/orders/42", bearer(token)).statusCode()).isEqualTo(401);
    }

    @Test
    void anExpiredTokenIsRefused401() throws IOException {
        String token = accessToken();
        assertThat(get("/orders/42", bearer(token)).statusCode()).isEqualTo(200);

        latchkey.clock().advance(Duration.ofHours(2)); // later tokens are minted on the moved clock

        assertThat(get("/orders/42", bearer(token)).statusCode()).isEqualTo(401);
        assertThat(get("/orders/42", bearer(accessToken())).statusCode()).isEqualTo(200);
    }

    @Test
    void theWrongAudienceOrTooFewScopesAreRefused403() throws IOException {
        String token = accessToken();

        HttpResponse<String> billing = get("/billing/1", bearer(token));
        assertThat(billing.statusCode()).isEqualTo(403);
        if (passesTheForbiddenChallenge()) {
            assertThat(billing.headers().firstValue("WWW-Authenticate"))
                    .hasValue("Bearer realm=\"latchkey\", error=\"insufficient_scope\"");
        }
        assertThat(get("/orders-admin/1", bearer(token)).statusCode()).isEqualTo(403);
    }

    private String accessToken() {
        return latchkey.token(client).get("access_token").asText();
    }

    private static String[] bearer(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }

    private HttpResponse<String> get(String path, String... headers) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void awaitListening(Duration within, Path log) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!gateway.isAlive()) {
                throw new IllegalStateException(getClass().getSimpleName() + ": the gateway exited: "
                        + (Files.exists(log) ? Files.readString(log) : "(no log)"));
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException(getClass().getSimpleName() + ": the gateway did not listen within " + within);
    }
}
