package io.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.latchkey.core.key.SigningAlgorithm;
import io.latchkey.server.LatchkeyServer;
import io.latchkey.server.config.ServerConfig;
import io.latchkey.testing.SettableClock;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;

/**
 * docs/verifying.md's Spring Security resource server, run against a real Latchkey signing with
 * ES256: a {@code NimbusJwtDecoder} on the server's JWKS with RFC 9068's validators ({@code typ:
 * at+jwt}, issuer, audience) accepts a live token for its API and turns its scopes into {@code
 * SCOPE_} authorities; it refuses a token for another API, an expired one and a garbled one. The
 * decoder as Spring builds it by default refuses Latchkey's tokens for their {@code typ}.
 */
class SpringResourceServerTest {
    private static final String ADMIN_KEY = "examples-admin-key-0123456789abcdefghijklmnopqrstuvwxyz";
    private static final String ORDERS = "https://orders.example.test/";
    private static final String INVOICES = "https://invoices.example.test/";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final SettableClock CLOCK = SettableClock.startingNow();
    private static LatchkeyServer latchkey;
    private static URI server;
    private static String clientId;
    private static String clientSecret;

    @BeforeAll
    static void start() throws Exception {
        ServerConfig config = ServerConfig.builder().port(0).host("127.0.0.1").adminApiKey(ADMIN_KEY)
                .signingAlgorithm(SigningAlgorithm.ES256).accessTokenTtl(Duration.ofMinutes(5))
                .dataDir(Files.createTempDirectory("latchkey-spring")).build();
        latchkey = LatchkeyServer.start(config, CLOCK, new SecureRandom());
        server = URI.create("http://127.0.0.1:" + latchkey.port());
        String orders = (String) admin("POST", "/admin/apis", Map.of("identifier", ORDERS,
                "scopes", List.of("orders:read")), 201).get("id");
        String invoices = (String) admin("POST", "/admin/apis", Map.of("identifier", INVOICES,
                "scopes", List.of("invoices:read")), 201).get("id");
        Map<String, Object> partner = admin("POST", "/admin/clients", Map.of("partnerId", "TestSystem"), 201);
        clientId = (String) partner.get("clientId");
        clientSecret = (String) partner.get("clientSecret");
        admin("PUT", "/admin/clients/" + clientId + "/apis/" + orders, Map.of("scopes", List.of("orders:read")), 200);
        admin("PUT", "/admin/clients/" + clientId + "/apis/" + invoices, Map.of("scopes", List.of("invoices:read")), 200);
    }

    @AfterAll
    static void stop() {
        if (latchkey != null) {
            latchkey.close();
        }
    }

    /** The decoder of docs/verifying.md, for the orders API. */
    private static JwtDecoder ordersDecoder() {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(server + "/oauth2/jwks")
                .jwsAlgorithm(SignatureAlgorithm.ES256).build();
        decoder.setJwtValidator(JwtValidators.createAtJwtValidator()
                .issuer(latchkey.issuer()).audience(ORDERS).build());
        return decoder;
    }

    @Test
    void aLiveTokenForTheApiIsAcceptedWithItsClientPartnerAndScopesAsAuthorities() throws Exception {
        Jwt jwt = ordersDecoder().decode(token(ORDERS));

        assertThat(jwt.getSubject()).isEqualTo(clientId);
        assertThat(jwt.getClaimAsString("client_id")).isEqualTo(clientId);
        assertThat(jwt.getClaimAsString("partner_id")).isEqualTo("TestSystem");
        assertThat(jwt.getAudience()).containsExactly(ORDERS);
        assertThat(new JwtAuthenticationConverter().convert(jwt).getAuthorities())
                .extracting(GrantedAuthority::getAuthority).contains("SCOPE_orders:read");
    }

    @Test
    void aTokenForAnotherApiIsRefusedForItsAudience() throws Exception {
        String forInvoices = token(INVOICES);

        assertThatThrownBy(() -> ordersDecoder().decode(forInvoices)).isInstanceOf(JwtValidationException.class)
                .hasMessageContaining("aud");
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        CLOCK.set(Instant.now().minus(Duration.ofHours(1))); // minted an hour ago, for five minutes
        String expired;
        try {
            expired = token(ORDERS);
        } finally {
            CLOCK.set(Instant.now());
        }

        assertThatThrownBy(() -> ordersDecoder().decode(expired)).isInstanceOf(JwtValidationException.class)
                .hasMessageContaining("expired");
    }

    @Test
    void aGarbledTokenIsRefused() throws Exception {
        String token = token(ORDERS);
        int signature = token.lastIndexOf('.') + 1;
        String garbled = token.substring(0, signature) + (token.charAt(signature) == 'A' ? 'B' : 'A')
                + token.substring(signature + 1);

        assertThatThrownBy(() -> ordersDecoder().decode(garbled)).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> ordersDecoder().decode("garbage")).isInstanceOf(BadJwtException.class);
    }

    @Test
    void springsDefaultValidatorsRefuseAnAtJwtForItsType() throws Exception {
        JwtDecoder defaults = NimbusJwtDecoder.withJwkSetUri(server + "/oauth2/jwks")
                .jwsAlgorithm(SignatureAlgorithm.ES256).build();

        assertThatThrownBy(() -> defaults.decode(token(ORDERS))).isInstanceOf(JwtValidationException.class)
                .hasMessageContaining("typ");
    }

    /** A client-credentials token for {@code resource} (RFC 8707), the client authenticating with Basic. */
    private static String token(String resource) throws Exception {
        String basic = Base64.getEncoder().encodeToString((form(clientId) + ":" + form(clientSecret))
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(server.resolve("/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&resource=" + form(resource)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return (String) JSONObjectUtils.parse(response.body()).get("access_token");
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static Map<String, Object> admin(String method, String path, Map<String, Object> body, int status)
            throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(server.resolve(path))
                .header("X-API-Key", ADMIN_KEY).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(JSONObjectUtils.toJSONString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSONObjectUtils.parse(response.body());
    }
}
