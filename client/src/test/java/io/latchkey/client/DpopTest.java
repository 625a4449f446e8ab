package io.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.latchkey.client.TokenRejectedException.Reason;
import io.latchkey.core.key.SigningAlgorithm;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SDK's DPoP (RFC 9449), both sides, against a real server over HTTP: {@code
 * TokenSource.dpop} gets tokens bound to its key and sends a fresh proof with each API call; the
 * verifier accepts {@code Authorization: DPoP} with a proof checked against {@code cnf.jkt}
 * (§7.1) and refuses a bound token presented as Bearer, a replayed proof, or one for another
 * request, token or key.
 */
class DpopTest {
    private static Latchkey latchkey;
    private static Latchkey.Client client;
    private static HttpServer api;
    private static TokenVerifier verifier;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        int chosen = port;
        // The issuer names the very address the SDK calls, so the proofs' htu is the token endpoint's.
        latchkey = Latchkey.start(config -> config.signingAlgorithm(SigningAlgorithm.ES256).port(chosen)
                .issuer("http://127.0.0.1:" + chosen));
        client = latchkey.createClient("TestSystem", "orders:read");
        verifier = TokenVerifier.builder(latchkey.url()).issuer(latchkey.issuer()).clock(latchkey.clock()).build();
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/orders", exchange -> {
            int status;
            try {
                URI uri = URI.create("http://127.0.0.1:" + api.getAddress().getPort() + exchange.getRequestURI());
                TokenPrincipal caller = verifier.verifyRequest(exchange.getRequestHeaders().getFirst("Authorization"),
                        exchange.getRequestHeaders().getOrDefault("DPoP", List.of()), exchange.getRequestMethod(), uri,
                        List.of("orders:read"));
                status = caller.clientId().equals(client.id()) ? 200 : 500;
            } catch (TokenRejectedException e) {
                status = e.httpStatus();
                exchange.getResponseHeaders().add("WWW-Authenticate", e.wwwAuthenticate("orders"));
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        api.start();
    }

    @AfterAll
    static void stop() {
        api.stop(0);
        latchkey.close();
    }

    private static URI orders() {
        return URI.create("http://127.0.0.1:" + api.getAddress().getPort() + "/orders/7?page=1");
    }

    private static KeyPair keys(String kind) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(kind.equals("P-256") ? "EC" : kind);
        if (kind.equals("P-256")) {
            generator.initialize(new ECGenParameterSpec("secp256r1"));
        } else if (kind.equals("RSA")) {
            generator.initialize(2048);
        }
        return generator.generateKeyPair();
    }

    private static TokenSource source(KeyPair keys) {
        return TokenSource.builder(latchkey.url(), client.id(), client.secret()).clock(latchkey.clock()).dpop(keys).build();
    }

    private static Map<String, Object> cnf(String token) throws Exception {
        return SignedJWT.parse(token).getJWTClaimsSet().getJSONObjectClaim("cnf");
    }

    @ParameterizedTest
    @ValueSource(strings = {"P-256", "Ed25519", "RSA"})
    void aDpopTokenSourceGetsTokensBoundToItsKeyAndEachCallCarriesAFreshProofTheVerifierAccepts(String kind)
            throws Exception {
        TokenSource tokens = source(keys(kind));
        latchkey.clock().set(java.time.Instant.now());

        String token = tokens.accessToken();
        assertThat(cnf(token)).containsKey("jkt");

        for (int call = 0; call < 3; call++) {
            HttpResponse<Void> answer = tokens.send(http, HttpRequest.newBuilder(orders()).GET(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(answer.statusCode()).isEqualTo(200);
        }
        HttpRequest authorized = tokens.authorize(HttpRequest.newBuilder(orders()).GET()).build();
        assertThat(authorized.headers().firstValue("Authorization").orElseThrow()).startsWith("DPoP ");
        assertThat(http.send(authorized, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
    }

    @Test
    void aBoundTokenPresentedAsBearerIsRefused() throws Exception {
        String token = source(keys("P-256")).accessToken();

        assertThatThrownBy(() -> verifier.verify(token))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.DPOP_BOUND));
        HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(orders()).header("Authorization", "Bearer " + token)
                .GET().build(), HttpResponse.BodyHandlers.discarding());
        assertThat(answer.statusCode()).isEqualTo(401);
    }

    @Test
    void aReplayedProofIsRefused() throws Exception {
        TokenSource tokens = source(keys("P-256"));
        HttpRequest once = tokens.authorize(HttpRequest.newBuilder(orders()).GET()).build();

        assertThat(http.send(once, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        HttpResponse<Void> again = http.send(once, HttpResponse.BodyHandlers.discarding());
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(again.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("DPoP ")
                .contains("invalid_dpop_proof");
    }

    @Test
    void aProofForAnotherRequestTokenOrKeyIsRefused() throws Exception {
        KeyPair keys = keys("P-256");
        String token = source(keys).accessToken();
        ECKey other = new ECKeyGenerator(Curve.P_256).generate();
        ECKey mine = new ECKey.Builder(Curve.P_256, (java.security.interfaces.ECPublicKey) keys.getPublic())
                .privateKey((java.security.interfaces.ECPrivateKey) keys.getPrivate()).build();
        URI uri = orders();

        assertRefused(token, proof(mine, "POST", uri.toString(), token), "GET", uri);
        assertRefused(token, proof(mine, "GET", "http://127.0.0.1:1/orders/7", token), "GET", uri);
        assertRefused(token, proof(mine, "GET", uri.toString(), "another-token"), "GET", uri);
        assertRefused(token, proof(mine, "GET", uri.toString(), null), "GET", uri);
        assertRefused(token, proof(other, "GET", uri.toString(), token), "GET", uri);
        assertRefused(token, "not.a.proof", "GET", uri);
        assertThat(verifier.verifyDpop(token, proof(mine, "GET", uri.toString(), token), "GET", uri).clientId())
                .isEqualTo(client.id());
    }

    private static void assertRefused(String token, String proof, String method, URI uri) {
        assertThatThrownBy(() -> verifier.verifyDpop(token, proof, method, uri))
                .isInstanceOfSatisfying(TokenRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_DPOP_PROOF));
    }

    private static String proof(ECKey key, String htm, String htu, String accessToken) throws Exception {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
                .claim("htm", htm).claim("htu", htu).issueTime(Date.from(latchkey.clock().instant()));
        if (accessToken != null) {
            claims.claim("ath", Base64URL.encode(MessageDigest.getInstance("SHA-256")
                    .digest(accessToken.getBytes(StandardCharsets.US_ASCII))).toString());
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("dpop+jwt"))
                .jwk(key.toPublicJWK()).build(), claims.build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    @Test
    void aTokenSourceFollowsTheServersNonce() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        int chosen = port;
        try (Latchkey nonces = Latchkey.start(config -> config.dpopNonces(true).port(chosen)
                .issuer("http://127.0.0.1:" + chosen))) {
            Latchkey.Client partner = nonces.createClient("TestSystem");
            TokenSource tokens = TokenSource.builder(nonces.url(), partner.id(), partner.secret())
                    .clock(nonces.clock()).dpop(keys("Ed25519")).build();

            assertThat(cnf(tokens.accessToken())).containsKey("jkt");
        }
    }
}
