package io.latchkey.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.latchkey.client.TokenPrincipal;
import io.latchkey.client.TokenRejectedException;
import io.latchkey.client.TokenVerifier;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small protected business API on the JDK's own {@link HttpServer}: {@code GET /orders} answers
 * the calling partner's orders to any token with scope {@code orders:read}, and anything else as
 * RFC 6750 §3 says (401 or 403 with {@code WWW-Authenticate: Bearer …}).
 *
 * <p>Run it against a Latchkey with HS256 tokens:
 * <pre>
 * LATCHKEY_URL=http://localhost:8080 LATCHKEY_VERIFIER_API_KEY=lk_… \
 *   java -cp examples/target/latchkey-examples.jar io.latchkey.examples.OrdersApi
 * </pre>
 * {@code LATCHKEY_VERIFIER_API_KEY}, a {@code verifier} API key ({@code latchkey apikey create
 * --role verifier}, never an admin key), fetches the HS256 shared key; without it the API uses the
 * public JWKS (ES256, RS256, EdDSA), the choice when APIs are not all trusted alike. The same key
 * follows the server's revocation feed ({@code GET /oauth2/revocations}), which the verifier does
 * by default: a revoked token, a revoked refresh family or a deleted client is refused within about
 * a second, with no call per request; with the JWKS, {@code ORDERS_API_CLIENT_ID}/{@code
 * ORDERS_API_CLIENT_SECRET} (the API's own client) read the feed instead. {@code
 * ORDERS_API_AUDIENCE}, its identifier when registered as an API, refuses tokens for other APIs.
 */
public final class OrdersApi implements AutoCloseable {
    static final String REALM = "orders";

    private final TokenVerifier verifier;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final AtomicInteger refused = new AtomicInteger();

    public OrdersApi(TokenVerifier verifier, int port) throws IOException {
        this.verifier = verifier;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/orders", this::orders);
        server.setExecutor(threads);
        server.start();
    }

    private void orders(HttpExchange exchange) throws IOException {
        try (exchange) {
            TokenPrincipal caller;
            try {
                caller = verifier.verifyAuthorization(exchange.getRequestHeaders().getFirst("Authorization"));
            } catch (TokenRejectedException e) {
                refused.incrementAndGet();
                exchange.getResponseHeaders().set("WWW-Authenticate", e.wwwAuthenticate(REALM));
                exchange.sendResponseHeaders(e.httpStatus(), -1);
                return;
            }
            byte[] body = ("{\"partner\":\"" + caller.partnerId() + "\",\"orders\":[{\"id\":\"PO-1001\",\"total\":42.5}]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** How many requests it refused, for the demonstration. */
    public int refused() {
        return refused.get();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    public static void main(String[] args) throws IOException {
        URI latchkey = URI.create(Env.require("LATCHKEY_URL"));
        TokenVerifier.Builder verifier = TokenVerifier.builder(latchkey).requiredScopes("orders:read");
        Env.optional("LATCHKEY_ISSUER").ifPresent(verifier::issuer);
        // Registered as an API (SPEC §6): accept only tokens asked for its identifier.
        Env.optional("ORDERS_API_AUDIENCE").ifPresent(verifier::audience);
        Env.optional("LATCHKEY_VERIFIER_API_KEY").ifPresent(verifier::sharedKeysFromServer);
        // The revocation feed, followed by default with the key above or with the API's own client.
        Env.optional("ORDERS_API_CLIENT_ID").ifPresent(id -> verifier
                .revocationFeedAsClient(id, Env.require("ORDERS_API_CLIENT_SECRET")));
        int port = Integer.parseInt(Env.optional("ORDERS_API_PORT").orElse("9090"));
        OrdersApi api = new OrdersApi(verifier.build(), port);
        System.out.println("Orders API on " + api.url() + "/orders, tokens from " + latchkey);
    }
}
