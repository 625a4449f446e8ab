package io.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.latchkey.client.TokenSource;
import io.latchkey.client.TokenVerifier;
import io.latchkey.server.LatchkeyServer;
import io.latchkey.server.config.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two protected APIs on one Latchkey (SPEC §6): each registered with its identifier and scopes,
 * each verifying tokens for its own audience. A partner granted the orders API gets tokens that
 * open it and not the invoices API, though both trust the same server and its keys.
 */
class TwoApisTest {
    private static final String ADMIN_KEY = "examples-admin-key-0123456789abcdefghijklmnopqrstuvwxyz";
    private static final String ORDERS = "https://orders.example.test/";
    private static final String INVOICES = "https://invoices.example.test/";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aTokenForTheOrdersApiOpensItAndNotTheInvoicesApi() throws Exception {
        ServerConfig config = ServerConfig.builder().port(0).host("127.0.0.1").adminApiKey(ADMIN_KEY)
                .dataDir(Files.createTempDirectory("latchkey-examples")).build();
        try (LatchkeyServer latchkey = LatchkeyServer.start(config, Clock.systemUTC(), new SecureRandom())) {
            URI server = URI.create("http://127.0.0.1:" + latchkey.port());
            // The operator registers both APIs and grants the partner the orders API only.
            String ordersId = (String) admin(server, "POST", "/admin/apis", Map.of("identifier", ORDERS,
                    "scopes", List.of("orders:read"), "accessTokenTtl", "PT5M"), 201).get("id");
            admin(server, "POST", "/admin/apis", Map.of("identifier", INVOICES, "scopes", List.of("orders:read")), 201);
            Map<String, Object> partner = admin(server, "POST", "/admin/clients", Map.of("partnerId", "TestSystem"), 201);
            String clientId = (String) partner.get("clientId");
            admin(server, "PUT", "/admin/clients/" + clientId + "/apis/" + ordersId,
                    Map.of("scopes", List.of("orders:read")), 200);

            TokenSource tokens = TokenSource.builder(server, clientId, (String) partner.get("clientSecret"))
                    .resource(ORDERS).build();
            try (OrdersApi orders = new OrdersApi(verifierFor(server, latchkey, ORDERS), 0);
                 OrdersApi invoices = new OrdersApi(verifierFor(server, latchkey, INVOICES), 0)) {
                assertThat(new Partner(tokens, http, orders.url()).fetchOrders().statusCode()).isEqualTo(200);

                HttpResponse<String> elsewhere = new Partner(tokens, http, invoices.url()).fetchOrders();
                assertThat(elsewhere.statusCode()).isEqualTo(401);
                assertThat(elsewhere.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                        challenge -> assertThat(challenge).contains("error=\"invalid_token\""));
            }
        }
    }

    private static TokenVerifier verifierFor(URI server, LatchkeyServer latchkey, String audience) {
        return TokenVerifier.builder(server).issuer(latchkey.issuer()).audience(audience)
                .requiredScopes("orders:read").sharedKeysFromServer(ADMIN_KEY).build();
    }

    private Map<String, Object> admin(URI server, String method, String path, Map<String, Object> body, int status)
            throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.resolve(path))
                .header("X-API-Key", ADMIN_KEY).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(JSONObjectUtils.toJSONString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSONObjectUtils.parse(response.body());
    }
}
