package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.latchkey.core.client.JwksFetcher;
import io.latchkey.core.client.RemoteJwks;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SPEC §7, private_key_jwt with a {@code jwksUri}: the server fetches the client's JWK set from
 * a partner's web server (one the test runs on loopback), refuses what it must at registration
 * (400) and at token time ({@code invalid_client}, never a 500), picks up a key rotated in at the
 * URI when an assertion names it, and fetches no more than once per 30 s on unknown {@code kid}s
 * — the server's clock is moved, nothing sleeps.
 */
class JwksUriTest {
    @RegisterExtension
    static final TestServer server = TestServer.extension();

    static final JwksServer partner = new JwksServer();

    private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    @AfterAll
    static void stopPartner() {
        partner.close();
    }

    // --- registration ------------------------------------------------------------------------

    @Test
    void aClientRegisteredWithAJwksUriShowsTheUriAndGetsTokensWithTheKeyServedThere() throws Exception {
        ECKey key = ec("k1");
        String uri = partner.serve(JwksServer.Answer.of(key.toPublicJWK()));

        HttpResponse<String> created = register(uri);

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode body = TestServer.json(created);
        assertThat(body.has("clientSecret")).isFalse();
        assertThat(body.get("tokenEndpointAuthMethod").asText()).isEqualTo("private_key_jwt");
        assertThat(body.get("jwksUri").asText()).isEqualTo(uri);
        assertThat(body.has("jwks")).isFalse();
        String id = body.get("clientId").asText();
        assertThat(TestServer.json(server.admin("GET", "/admin/clients/" + id, null)).get("jwksUri").asText())
                .isEqualTo(uri);
        HttpResponse<String> token = token(sign(id, key));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        assertThat(SignedJWT.parse(TestServer.json(token).get("access_token").asText()).getJWTClaimsSet()
                .getSubject()).isEqualTo(id);
    }

    @Test
    void anEd25519KeyAtTheUriWorksToo() throws Exception {
        OctetKeyPair key = new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed").generate();
        String id = registered(partner.serve(JwksServer.Answer.of(key.toPublicJWK())));

        assertThat(token(sign(id, key)).statusCode()).isEqualTo(200);
    }

    static Stream<Arguments> badUris() {
        return Stream.of(
                Arguments.of("http on a public host", "http://jwks.example/keys.json", "https"),
                Arguments.of("a relative URL", "/keys.json", "https"),
                Arguments.of("user info", "https://user:pw@jwks.example/keys.json", "user info"),
                Arguments.of("a fragment", "https://jwks.example/keys.json#x", "fragment"),
                Arguments.of("ftp", "ftp://jwks.example/keys.json", "https"),
                Arguments.of("a private address", "https://10.1.2.3/keys.json", "private"),
                Arguments.of("the cloud metadata address", "https://169.254.169.254/latest/meta-data", "link-local"),
                Arguments.of("an IPv6 unique local address", "https://[fd00::1]/keys.json", "private"),
                Arguments.of("an IPv4-mapped private address", "https://[::ffff:192.168.1.1]/keys.json", "private"),
                Arguments.of("loopback by an address behind an https name", "https://0.0.0.0/keys.json", "private"),
                Arguments.of("too long", "https://jwks.example/" + "a".repeat(2100), "https"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badUris")
    void aJwksUriThatMayNotBeFetchedIsRefusedAtRegistration(String what, String uri, String said) {
        HttpResponse<String> response = register(uri);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode body = TestServer.json(response);
        assertThat(body.get("error").asText()).isEqualTo("invalid_request");
        assertThat(body.get("message").asText()).contains("jwksUri").contains(said);
    }

    static Stream<Arguments> badAnswers() throws Exception {
        ECKey key = ec("k1");
        String tooLarge = "{\"keys\":[" + key.toPublicJWK().toJSONString() + "],\"padding\":\""
                + "x".repeat(JwksFetcher.MAX_BYTES) + "\"}";
        return Stream.of(
                Arguments.of("a private member", JwksServer.Answer.of(key), "private member"),
                Arguments.of("not JSON", JwksServer.Answer.text(200, "<html>hello</html>"), "not a JWK set"),
                Arguments.of("JSON, not a JWK set", JwksServer.Answer.json("{\"keys\":\"none\"}"), "not a JWK set"),
                Arguments.of("an empty set", JwksServer.Answer.json("{\"keys\":[]}"), "at least one key"),
                Arguments.of("more than 64 KiB", JwksServer.Answer.json(tooLarge), "more than 65536 bytes"),
                Arguments.of("a 404", JwksServer.Answer.text(404, "gone"), "HTTP 404"),
                Arguments.of("a redirect", JwksServer.Answer.redirect("http://169.254.169.254/"), "redirect"),
                Arguments.of("no answer in time", JwksServer.Answer.hanging(), "did not answer within"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badAnswers")
    void aJwksUriThatServesNoUsableSetIsRefusedAtRegistrationSayingWhy(String what, JwksServer.Answer answer,
                                                                      String said) {
        String uri = partner.serve(answer);

        HttpResponse<String> response = register(uri);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode body = TestServer.json(response);
        assertThat(body.get("error").asText()).isEqualTo("invalid_request");
        assertThat(body.get("message").asText()).contains("jwksUri").contains(said);
        assertThat(response.body()).doesNotContain("\"d\"").doesNotContain("hello");
    }

    @Test
    void jwksAndJwksUriTogetherAreRefused() throws Exception {
        ECKey key = ec("k1");
        Map<String, Object> body = new LinkedHashMap<>(Map.of("partnerId", "p", "tokenEndpointAuthMethod",
                "private_key_jwt", "jwksUri", partner.serve(JwksServer.Answer.of(key.toPublicJWK())),
                "jwks", new JWKSet(key.toPublicJWK()).toJSONObject(true)));

        HttpResponse<String> response = server.admin("POST", "/admin/clients", TestServer.write(body));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(response).get("message").asText()).contains("not both");
    }

    @Test
    void aJwksUriForAClientOfASecretIsRefused() {
        HttpResponse<String> response = server.admin("POST", "/admin/clients", TestServer.write(Map.of(
                "partnerId", "p", "jwksUri", "https://jwks.example/keys.json")));

        assertThat(response.statusCode()).isEqualTo(400);
    }

    // --- rotation and the refetch interval ------------------------------------------------------

    @Test
    void aKeyRotatedInAtTheUriIsPickedUpWhenAnAssertionNamesIt() throws Exception {
        ECKey old = ec("old");
        ECKey rotated = ec("new");
        String uri = partner.serve(JwksServer.Answer.of(old.toPublicJWK()));
        String id = registered(uri);
        assertThat(token(sign(id, old)).statusCode()).isEqualTo(200);
        server.clock().advance(RemoteJwks.MIN_REFETCH_INTERVAL);

        partner.change(uri, JwksServer.Answer.of(rotated.toPublicJWK()));

        HttpResponse<String> response = token(sign(id, rotated));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void unknownKidsRefetchAtMostOncePer30Seconds() throws Exception {
        ECKey key = ec("k1");
        ECKey rotated = ec("k2");
        String uri = partner.serve(JwksServer.Answer.of(key.toPublicJWK()));
        String id = registered(uri);
        assertThat(token(sign(id, key)).statusCode()).isEqualTo(200);
        int fetched = partner.requests(uri);
        partner.change(uri, JwksServer.Answer.of(key.toPublicJWK(), rotated.toPublicJWK()));

        // Within 30 s of the last fetch: refused, and nothing fetched however many kids are made up.
        server.clock().advance(RemoteJwks.MIN_REFETCH_INTERVAL.minusSeconds(1));
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> refused = token(sign(id, ec("made-up-" + i)));
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(TestServer.json(refused).get("error").asText()).isEqualTo("invalid_client");
        }
        assertThat(token(sign(id, rotated)).statusCode()).isEqualTo(401);
        assertThat(partner.requests(uri)).isEqualTo(fetched);

        // Once 30 s have passed: one fetch, which brings the rotated key; the next made-up kid fetches nothing.
        server.clock().advance(Duration.ofSeconds(1));
        assertThat(token(sign(id, rotated)).statusCode()).isEqualTo(200);
        assertThat(token(sign(id, ec("made-up"))).statusCode()).isEqualTo(401);
        assertThat(partner.requests(uri)).isEqualTo(fetched + 1);
        // A known key still works without a fetch.
        assertThat(token(sign(id, key)).statusCode()).isEqualTo(200);
        assertThat(partner.requests(uri)).isEqualTo(fetched + 1);
    }

    @Test
    void aKeyWithdrawnAtTheUriStopsWorkingOnceTheSetAges() throws Exception {
        ECKey withdrawn = ec("withdrawn");
        ECKey kept = ec("kept");
        String uri = partner.serve(JwksServer.Answer.of(withdrawn.toPublicJWK(), kept.toPublicJWK()));
        String id = registered(uri);
        assertThat(token(sign(id, withdrawn)).statusCode()).isEqualTo(200);

        partner.change(uri, JwksServer.Answer.of(kept.toPublicJWK()));
        server.clock().advance(RemoteJwks.MAX_AGE);

        assertThat(token(sign(id, withdrawn)).statusCode()).isEqualTo(401);
        assertThat(token(sign(id, kept)).statusCode()).isEqualTo(200);
    }

    @Test
    void aSetThatCannotBeRefetchedKeepsWorkingUntilItIsAnHourOld() throws Exception {
        ECKey key = ec("k1");
        String uri = partner.serve(JwksServer.Answer.of(key.toPublicJWK()));
        String id = registered(uri);
        assertThat(token(sign(id, key)).statusCode()).isEqualTo(200);

        partner.change(uri, JwksServer.Answer.text(503, "down"));
        server.clock().advance(RemoteJwks.MAX_AGE);
        assertThat(token(sign(id, key)).statusCode()).isEqualTo(200);

        server.clock().advance(RemoteJwks.MAX_STALE.minus(RemoteJwks.MAX_AGE));
        assertThat(token(sign(id, key)).statusCode()).isEqualTo(401);
    }

    // --- what the URI serves at token time --------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("badAnswers")
    void aJwksUriThatServesNoUsableSetAtTokenTimeIsInvalidClientNeverA500(String what, JwksServer.Answer answer,
                                                                          String said) throws Exception {
        ECKey key = ec("k1");
        String uri = partner.serve(JwksServer.Answer.of(key.toPublicJWK()));
        String id = registered(uri);
        partner.change(uri, answer);
        server.clock().advance(RemoteJwks.MIN_REFETCH_INTERVAL);
        ListAppender<ILoggingEvent> logs = capture();
        try {
            HttpResponse<String> response = token(sign(id, key));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
            assertThat(TestServer.json(response).get("error").asText()).isEqualTo("invalid_client");
        } finally {
            release(logs);
        }
        String logged = String.join("\n", logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
        assertThat(logged).contains(id).contains(said);
        assertThat(logged).doesNotContain(key.getD().toString()).doesNotContain(uri);
    }

    @Test
    void aDeletedClientsUriIsNotFetchedAgain() throws Exception {
        ECKey key = ec("k1");
        String uri = partner.serve(JwksServer.Answer.of(key.toPublicJWK()));
        String id = registered(uri);
        assertThat(token(sign(id, key)).statusCode()).isEqualTo(200);
        int fetched = partner.requests(uri);

        assertThat(server.admin("DELETE", "/admin/clients/" + id, null).statusCode()).isEqualTo(200);
        server.clock().advance(RemoteJwks.MAX_AGE);

        assertThat(token(sign(id, key)).statusCode()).isEqualTo(401);
        assertThat(partner.requests(uri)).isEqualTo(fetched);
    }

    // --- helpers -------------------------------------------------------------------------------

    private static ECKey ec(String kid) throws Exception {
        return new ECKeyGenerator(Curve.P_256).keyID(kid + "-" + UUID.randomUUID()).generate();
    }

    private static HttpResponse<String> register(String jwksUri) {
        return server.admin("POST", "/admin/clients", TestServer.write(Map.of("partnerId", "p",
                "tokenEndpointAuthMethod", "private_key_jwt", "jwksUri", jwksUri)));
    }

    private static String registered(String jwksUri) {
        HttpResponse<String> created = register(jwksUri);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return TestServer.json(created).get("clientId").asText();
    }

    private static String sign(String clientId, JWK key) throws Exception {
        Instant now = server.clock().instant();
        JWSAlgorithm alg = key instanceof OctetKeyPair ? JWSAlgorithm.EdDSA : JWSAlgorithm.ES256;
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(server.issuer() + "/oauth2/token")
                        .expirationTime(Date.from(now.plusSeconds(60))).jwtID(UUID.randomUUID().toString()).build());
        jwt.sign(key instanceof OctetKeyPair okp ? new Ed25519Signer(okp) : new ECDSASigner((ECKey) key));
        return jwt.serialize();
    }

    private static HttpResponse<String> token(String assertion) {
        return server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials",
                "client_assertion_type", JWT_BEARER, "client_assertion", assertion));
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        return appender;
    }

    private static void release(ListAppender<ILoggingEvent> appender) {
        LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
    }
}
