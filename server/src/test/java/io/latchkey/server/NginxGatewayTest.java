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

/**
 * docs/gateways.md's nginx configuration, run: a real nginx on loopback ({@code auth_request} to
 * {@code /oauth2/check}, {@code auth_request_set} handing the {@code X-Latchkey-*} answers on) in
 * front of an upstream that echoes what reached it. A live token reaches the upstream with its
 * client, partner, scopes and subject; every dead token is refused 401, the wrong audience or too
 * few scopes 403, and the upstream never sees them.
 */
@RequiresProgram(value = {"nginx"}, install = "apt-get install nginx")
class NginxGatewayTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static TestServer latchkey;
    private static Credentials client;
    private static HttpServer upstream;
    private static Process nginx;
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
        Path prefix = Files.createTempDirectory("latchkey-nginx");
        Files.createDirectories(prefix.resolve("logs"));
        Path conf = prefix.resolve("nginx.conf");
        Files.writeString(conf, config(prefix, port, latchkey.server().port(), upstream.getAddress().getPort()));
        nginx = new ProcessBuilder(SystemPrograms.path("nginx").toString(), "-p", prefix.toString(),
                "-c", conf.toString(), "-e", prefix.resolve("logs/error.log").toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("logs/stdout.log").toFile()).start();
        awaitListening(port, Duration.ofSeconds(20), prefix);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (nginx != null) {
            nginx.destroy();
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly();
            }
        }
        if (upstream != null) {
            upstream.stop(0);
        }
        if (latchkey != null) {
            latchkey.close();
        }
    }

    /** What every check location of docs/gateways.md shares. */
    private static final String CHECK = """
                            proxy_pass_request_body off;
                            proxy_set_header Content-Length "";
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_set_header X-Forwarded-Method $request_method;
                            proxy_set_header X-Forwarded-Uri $request_uri;
                            proxy_set_header X-Forwarded-Proto $scheme;
                            proxy_set_header X-Forwarded-Host $host;""";

    /** The snippet of docs/gateways.md, with this test's ports, prefix and no daemon. */
    static String config(Path prefix, int listen, int latchkeyPort, int upstreamPort) {
        return """
                daemon off;
                master_process off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    upstream latchkey { server 127.0.0.1:%3$d; keepalive 64; }
                    server {
                        listen 127.0.0.1:%2$d;
                        location /orders/ {
                            auth_request /_latchkey/orders;
                            auth_request_set $latchkey_client $upstream_http_x_latchkey_client_id;
                            auth_request_set $latchkey_partner $upstream_http_x_latchkey_partner_id;
                            auth_request_set $latchkey_scope $upstream_http_x_latchkey_scope;
                            auth_request_set $latchkey_subject $upstream_http_x_latchkey_subject;
                            proxy_set_header X-Latchkey-Client-Id $latchkey_client;
                            proxy_set_header X-Latchkey-Partner-Id $latchkey_partner;
                            proxy_set_header X-Latchkey-Scope $latchkey_scope;
                            proxy_set_header X-Latchkey-Subject $latchkey_subject;
                            proxy_pass http://127.0.0.1:%4$d;
                        }
                        location /billing/ {
                            auth_request /_latchkey/billing;
                            proxy_pass http://127.0.0.1:%4$d;
                        }
                        location /orders-admin/ {
                            auth_request /_latchkey/orders-admin;
                            proxy_pass http://127.0.0.1:%4$d;
                        }
                        location = /_latchkey/orders {
                            internal;
                            proxy_pass http://latchkey/oauth2/check?aud=orders&scope=orders:read;
%5$s
                        }
                        location = /_latchkey/billing {
                            internal;
                            proxy_pass http://latchkey/oauth2/check?aud=billing;
%5$s
                        }
                        location = /_latchkey/orders-admin {
                            internal;
                            proxy_pass http://latchkey/oauth2/check?aud=orders&scope=orders:read%%20orders:admin;
%5$s
                        }
                    }
                }
                """.formatted(prefix, listen, latchkeyPort, upstreamPort, CHECK);
    }

    @Test
    void aLiveTokenReachesTheUpstreamWithItsClientPartnerScopeAndSubject() throws IOException {
        HttpResponse<String> response = get("/orders/42", bearer(accessToken()));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("client=" + client.clientId() + " partner=acme scope=orders:read subject="
                + client.clientId() + " path=/orders/42");
    }

    @Test
    void noTokenOrAGarbageOneIsRefused401() throws IOException {
        HttpResponse<String> missing = get("/orders/42");
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"latchkey\"");

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

        assertThat(get("/billing/1", bearer(token)).statusCode()).isEqualTo(403);
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

    private static void awaitListening(int port, Duration within, Path prefix) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!nginx.isAlive()) {
                throw new IllegalStateException("nginx exited: " + Files.readString(prefix.resolve("logs/error.log")));
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("nginx did not listen within " + within);
    }
}
