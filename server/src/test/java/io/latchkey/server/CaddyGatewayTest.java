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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/gateways.md's Caddy configuration, run: a real Caddy on loopback ({@code forward_auth} to
 * {@code /oauth2/check}, {@code copy_headers} handing the {@code X-Latchkey-*} answers on) in front
 * of an upstream that echoes what reached it, with the same cases as {@link NginxGatewayTest}. A
 * live token reaches the upstream with its client, partner, scopes and subject, and a caller's own
 * {@code X-Latchkey-*} headers do not; every dead token is refused 401, the wrong audience or too
 * few scopes 403, with the check's challenge, and the upstream never sees them.
 */
@RequiresProgram(value = {"caddy"}, install = "apt-get install caddy")
class CaddyGatewayTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static TestServer latchkey;
    private static Credentials client;
    private static HttpServer upstream;
    private static Process caddy;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
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
        Path home = Files.createTempDirectory("latchkey-caddy");
        Path conf = home.resolve("Caddyfile");
        Files.writeString(conf, config(port, latchkey.server().port(), upstream.getAddress().getPort()));
        ProcessBuilder builder = new ProcessBuilder(SystemPrograms.path("caddy").toString(), "run",
                "--config", conf.toString(), "--adapter", "caddyfile")
                .redirectErrorStream(true).redirectOutput(home.resolve("caddy.log").toFile());
        // Caddy keeps its state under HOME and the XDG directories: the temporary one, not the user's.
        Map<String, String> env = builder.environment();
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve("config").toString());
        env.put("XDG_DATA_HOME", home.resolve("data").toString());
        caddy = builder.start();
        awaitListening(port, Duration.ofSeconds(20), home);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (caddy != null) {
            caddy.destroy();
            if (!caddy.waitFor(10, TimeUnit.SECONDS)) {
                caddy.destroyForcibly();
            }
        }
        if (upstream != null) {
            upstream.stop(0);
        }
        if (latchkey != null) {
            latchkey.close();
        }
    }

    /**
     * The snippet of docs/gateways.md with this test's ports, plain HTTP on loopback, and no admin
     * endpoint (its fixed port would clash where several tests run at once).
     */
    static String config(int listen, int latchkeyPort, int upstreamPort) {
        return """
                {
                    admin off
                    auto_https off
                }
                http://:%1$d {
                    bind 127.0.0.1
                    handle /orders/* {
                        forward_auth 127.0.0.1:%2$d {
                            uri /oauth2/check?aud=orders&scope=orders:read
                            copy_headers X-Latchkey-Client-Id X-Latchkey-Partner-Id X-Latchkey-Scope X-Latchkey-Subject
                        }
                        reverse_proxy 127.0.0.1:%3$d
                    }
                    handle /billing/* {
                        forward_auth 127.0.0.1:%2$d {
                            uri /oauth2/check?aud=billing
                        }
                        reverse_proxy 127.0.0.1:%3$d
                    }
                    handle /orders-admin/* {
                        forward_auth 127.0.0.1:%2$d {
                            uri /oauth2/check?aud=orders&scope=orders:read%%20orders:admin
                        }
                        reverse_proxy 127.0.0.1:%3$d
                    }
                }
                """.formatted(listen, latchkeyPort, upstreamPort);
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
        assertThat(billing.headers().firstValue("WWW-Authenticate"))
                .hasValue("Bearer realm=\"latchkey\", error=\"insufficient_scope\"");
        assertThat(get("/orders-admin/1", bearer(token)).statusCode()).isEqualTo(403);
    }

    private static String accessToken() {
        return latchkey.token(client).get("access_token").asText();
    }

    private static String[] bearer(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }

    private static HttpResponse<String> get(String path, String... headers) throws IOException {
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

    private static void awaitListening(int port, Duration within, Path home) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!caddy.isAlive()) {
                throw new IllegalStateException("caddy exited: " + Files.readString(home.resolve("caddy.log")));
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("caddy did not listen within " + within);
    }
}
