package io.latchkey.examples;

import io.latchkey.client.InvalidClientException;
import io.latchkey.client.TokenSource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A partner's program calling the {@link OrdersApi} through a {@link TokenSource}: it never sees a
 * token, never refreshes one, and never handles a 401 itself.
 *
 * <pre>
 * LATCHKEY_URL=http://localhost:8080 CLIENT_ID=… CLIENT_SECRET=… ORDERS_API_URL=http://localhost:9090 \
 *   java -cp examples/target/latchkey-examples.jar io.latchkey.examples.Partner
 * </pre>
 */
public final class Partner {
    private final TokenSource tokens;
    private final HttpClient http;
    private final URI ordersApi;

    public Partner(TokenSource tokens, HttpClient http, URI ordersApi) {
        this.tokens = tokens;
        this.http = http;
        this.ordersApi = ordersApi;
    }

    /** {@code GET /orders}, authorized; a refused token is renewed once behind the scenes. */
    public HttpResponse<String> fetchOrders() throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(ordersApi.resolve("/orders")).timeout(Duration.ofSeconds(10));
        return tokens.send(http, request, HttpResponse.BodyHandlers.ofString());
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        TokenSource.Builder builder = TokenSource.builder(URI.create(Env.require("LATCHKEY_URL")),
                Env.require("CLIENT_ID"), Env.require("CLIENT_SECRET"));
        Env.optional("RESOURCE").ifPresent(builder::resource); // the registered API the tokens are for
        TokenSource tokens = builder.build();
        Partner partner = new Partner(tokens, HttpClient.newHttpClient(), URI.create(Env.require("ORDERS_API_URL")));
        int calls = Integer.parseInt(Env.optional("CALLS").orElse("5"));
        for (int i = 1; i <= calls; i++) {
            try {
                HttpResponse<String> response = partner.fetchOrders();
                System.out.println(i + ": HTTP " + response.statusCode() + " " + response.body());
            } catch (InvalidClientException e) {
                System.out.println(i + ": " + e.getMessage());
                return;
            }
            Thread.sleep(1000);
        }
    }
}
