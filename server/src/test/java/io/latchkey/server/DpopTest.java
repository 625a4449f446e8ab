package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * SPEC §7, DPoP (RFC 9449), over real HTTP: a proof gets a DPoP-bound token ({@code token_type:
 * DPoP}, {@code cnf.jkt}), also in introspection; the refresh token is bound to the same key; a
 * {@code dpopBoundAccessTokens} client gets nothing without a proof; every bad proof answers 400
 * {@code invalid_dpop_proof}, never a 500 and never in a log; metadata lists the algorithms. A
 * third-party client (the Nimbus OAuth 2.0 SDK's {@code DPoPProofFactory}) drives the main flow.
 */
class DpopTest {
    @RegisterExtension
    static final TestServer server = TestServer.extension();

    private TestServer.Credentials client;
    private JWK key;

    @BeforeEach
    void clientAndKey() {
        server.clock().set(Instant.now()); // the SDK's proofs carry the real time
        client = server.createClient("partner-dpop", "orders:read");
        key = DpopProofs.key(JWSAlgorithm.ES256);
    }

    private String tokenUrl() {
        return server.issuer() + "/oauth2/token";
    }

    private Instant now() {
        return server.clock().instant();
    }

    private HttpResponse<String> tokenRequest(TestServer.Credentials who, Map<String, String> form, String... headers) {
        List<String> all = new ArrayList<>(List.of("Authorization", who.basic()));
        all.addAll(List.of(headers));
        return server.postForm("/oauth2/token", form, all.toArray(String[]::new));
    }

    private HttpResponse<String> clientCredentials(String... headers) {
        return tokenRequest(client, Map.of("grant_type", "client_credentials"), headers);
    }

    private static JWTClaimsSet claimsOf(String jwt) throws Exception {
        return SignedJWT.parse(jwt).getJWTClaimsSet();
    }

    private static void assertInvalidProof(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(TestServer.json(response).get("error").asText()).isEqualTo("invalid_dpop_proof");
    }

    // --- the token endpoint -------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"ES256", "EdDSA", "RS256", "PS256"})
    void aTokenRequestWithAValidProofGetsTokenTypeDpopAndATokenBoundToTheKeysThumbprint(String alg) throws Exception {
        JWK proofKey = DpopProofs.key(JWSAlgorithm.parse(alg));
        DefaultDPoPProofFactory factory = new DefaultDPoPProofFactory(proofKey, JWSAlgorithm.parse(alg));
        TokenRequest request = new TokenRequest(URI.create(tokenUrl()),
                new ClientSecretBasic(new ClientID(client.clientId()), new Secret(client.secret())),
                new ClientCredentialsGrant());
        HTTPRequest http = request.toHTTPRequest();
        http.setDPoP(factory.createDPoPJWT("POST", URI.create(tokenUrl())));

        TokenResponse response = TokenResponse.parse(http.send());

        assertThat(response.indicatesSuccess()).as(response.toHTTPResponse().getBody()).isTrue();
        AccessTokenResponse tokens = response.toSuccessResponse();
        assertThat(tokens.getTokens().getAccessToken()).isInstanceOf(DPoPAccessToken.class);
        assertThat(tokens.getTokens().getAccessToken().getType()).isEqualTo(AccessTokenType.DPOP);
        String jkt = proofKey.computeThumbprint().toString();
        assertThat(claimsOf(tokens.getTokens().getAccessToken().getValue()).getJSONObjectClaim("cnf"))
                .isEqualTo(Map.of("jkt", jkt));
        assertThat(claimsOf(tokens.getTokens().getRefreshToken().getValue()).getJSONObjectClaim("cnf"))
                .isEqualTo(Map.of("jkt", jkt));
    }

    @Test
    void aTokenRequestWithoutAProofGetsABearerTokenWithoutCnf() throws Exception {
        JsonNode tokens = server.token(client);

        assertThat(tokens.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(claimsOf(tokens.get("access_token").asText()).getClaim("cnf")).isNull();
    }

    @Test
    void introspectionOfABoundTokenAnswersTokenTypeDpopAndItsCnf() {
        HttpResponse<String> response = clientCredentials("DPoP", DpopProofs.proof(key, "POST", tokenUrl(), now()));
        String accessToken = TestServer.json(response).get("access_token").asText();

        JsonNode introspection = OAuthRequests.introspect(server, accessToken);

        assertThat(introspection.get("active").asBoolean()).isTrue();
        assertThat(introspection.get("token_type").asText()).isEqualTo("DPoP");
        assertThat(introspection.get("cnf").get("jkt").asText()).isEqualTo(DpopProofs.thumbprint(key));
    }

    @Test
    void thePipelineEndpointBindsItsTokensToAProofForItsOwnUrl() throws Exception {
        String proof = DpopProofs.proof(key, "POST", server.issuer() + "/pipeline/oauth2", now());
        HttpResponse<String> response = server.postJson("/pipeline/oauth2", TestServer.write(Map.of(
                "username", client.clientId(), "password", client.secret(), "grant_type", "client_credentials")),
                "DPoP", proof);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = TestServer.json(response);
        assertThat(body.get("token_type").asText()).isEqualTo("DPoP");
        assertThat(claimsOf(body.get("access_token").asText()).getJSONObjectClaim("cnf").get("jkt"))
                .isEqualTo(DpopProofs.thumbprint(key));
    }

    @Test
    void metadataListsTheDpopSigningAlgorithms() {
        JsonNode metadata = TestServer.json(server.get("/.well-known/oauth-authorization-server"));

        List<String> algs = new ArrayList<>();
        metadata.get("dpop_signing_alg_values_supported").forEach(alg -> algs.add(alg.asText()));
        assertThat(algs).containsExactly("ES256", "EdDSA", "RS256", "PS256");
    }

    // --- bad proofs ----------------------------------------------------------------------------

    static Stream<Arguments> badProofs() throws Exception {
        JWK ec = DpopProofs.key(JWSAlgorithm.ES256);
        JWK weakRsa = new RSAKeyGenerator(1024, true).generate();
        return Stream.of(
                Arguments.of("not a JWT", (Function<Context, String>) c -> "not-a-jwt"),
                Arguments.of("three segments of junk", (Function<Context, String>) c -> "a.b.c"),
                Arguments.of("too long", (Function<Context, String>) c -> "e".repeat(5000) + ".e.e"),
                Arguments.of("alg none", (Function<Context, String>) c -> unsigned(c)),
                Arguments.of("HMAC-signed", (Function<Context, String>) c -> hmacSigned(c)),
                Arguments.of("private key in jwk", (Function<Context, String>) c -> DpopProofs.rawProof(
                        "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + ec.toJSONString() + "}", c.htu, c.now,
                        JWSAlgorithm.ES256, DpopProofs.signer(ec))),
                Arguments.of("no jwk", (Function<Context, String>) c -> DpopProofs.proof(ec, "POST", c.htu, c.now,
                        h -> h.jwk(null), x -> x)),
                Arguments.of("jwk of another key", (Function<Context, String>) c -> DpopProofs.proof(ec, "POST", c.htu,
                        c.now, h -> h.jwk(DpopProofs.key(JWSAlgorithm.ES256).toPublicJWK()), x -> x)),
                Arguments.of("typ JWT", (Function<Context, String>) c -> DpopProofs.proof(ec, "POST", c.htu, c.now,
                        h -> h.type(JOSEObjectType.JWT), x -> x)),
                Arguments.of("RSA key under 2048 bits", (Function<Context, String>) c -> DpopProofs.rawProof(
                        "{\"typ\":\"dpop+jwt\",\"alg\":\"RS256\",\"jwk\":" + weakRsa.toPublicJWK().toJSONString() + "}",
                        c.htu, c.now, JWSAlgorithm.RS256, weakSigner(weakRsa))),
                Arguments.of("wrong htm", (Function<Context, String>) c -> DpopProofs.proof(ec, "GET", c.htu, c.now)),
                Arguments.of("wrong htu", (Function<Context, String>) c -> DpopProofs.proof(ec, "POST",
                        c.htu.replace("/oauth2/token", "/oauth2/revoke"), c.now)),
                Arguments.of("htu of another host", (Function<Context, String>) c -> DpopProofs.proof(ec, "POST",
                        "https://elsewhere.example/oauth2/token", c.now)),
                Arguments.of("stale iat", (Function<Context, String>) c -> DpopProofs.proof(ec, "POST", c.htu,
                        c.now.minusSeconds(61))),
                Arguments.of("iat in the future", (Function<Context, String>) c -> DpopProofs.proof(ec, "POST", c.htu,
                        c.now.plusSeconds(61))),
                Arguments.of("no jti", (Function<Context, String>) c -> DpopProofs.proof(ec, "POST", c.htu, c.now,
                        h -> h, x -> x.jwtID(null))),
                Arguments.of("htm not a string", (Function<Context, String>) c -> DpopProofs.proof(ec, "POST", c.htu,
                        c.now, h -> h, x -> x.claim("htm", 42))));
    }

    /** What a bad proof is made for. */
    record Context(String htu, Instant now) {
    }

    private static com.nimbusds.jose.JWSSigner weakSigner(JWK rsa) {
        try {
            return new com.nimbusds.jose.crypto.RSASSASigner(rsa.toRSAKey().toPrivateKey(), true);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String unsigned(Context c) {
        String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"dpop+jwt\"}").toString();
        String claims = Base64URL.encode("{\"jti\":\"x1\",\"htm\":\"POST\",\"htu\":\"" + c.htu + "\",\"iat\":"
                + c.now.getEpochSecond() + "}").toString();
        return header + "." + claims + ".";
    }

    private static String hmacSigned(Context c) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("dpop+jwt"))
                    .build(), new JWTClaimsSet.Builder().jwtID("h1").claim("htm", "POST").claim("htu", c.htu)
                    .issueTime(Date.from(c.now)).build());
            jwt.sign(new MACSigner(new byte[32]));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badProofs")
    void aBadProofAnswers400InvalidDpopProofAndIsNeverLogged(String why, Function<Context, String> make) {
        String proof = make.apply(new Context(tokenUrl(), now()));
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        try {
            HttpResponse<String> response = clientCredentials("DPoP", proof);

            assertInvalidProof(response);
            assertThat(response.body()).doesNotContain(proof);
        } finally {
            root.detachAppender(logs);
        }
        assertThat(logs.list).noneMatch(event -> event.getFormattedMessage().contains(proof)
                || String.valueOf(event.getMDCPropertyMap()).contains(proof));
    }

    @Test
    void aReplayedProofIsRefused() {
        String proof = DpopProofs.proof(key, "POST", tokenUrl(), now());

        assertThat(clientCredentials("DPoP", proof).statusCode()).isEqualTo(200);
        assertInvalidProof(clientCredentials("DPoP", proof));
    }

    @Test
    void twoProofsInOneRequestAreRefused() {
        assertInvalidProof(clientCredentials("DPoP", DpopProofs.proof(key, "POST", tokenUrl(), now()),
                "DPoP", DpopProofs.proof(key, "POST", tokenUrl(), now())));
    }

    @Test
    void aProofWithinTheSixtySecondWindowIsAcceptedEitherWay() {
        assertThat(clientCredentials("DPoP", DpopProofs.proof(key, "POST", tokenUrl(), now().minusSeconds(59)))
                .statusCode()).isEqualTo(200);
        assertThat(clientCredentials("DPoP", DpopProofs.proof(key, "POST", tokenUrl(), now().plusSeconds(59)))
                .statusCode()).isEqualTo(200);
    }

    @Test
    void htuIsComparedAfterNormalisationAndWithoutQueryOrFragment() {
        String spelled = tokenUrl().replace("http://localhost", "HTTP://LocalHost").replace("/oauth2/token", "/oauth2/%74oken")
                + "?x=1#f";

        assertThat(clientCredentials("DPoP", DpopProofs.proof(key, "POST", spelled, now())).statusCode()).isEqualTo(200);
    }

    // --- refresh --------------------------------------------------------------------------------

    private JsonNode boundTokens() {
        HttpResponse<String> response = clientCredentials("DPoP", DpopProofs.proof(key, "POST", tokenUrl(), now()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestServer.json(response);
    }

    private HttpResponse<String> refresh(String refreshToken, String... headers) {
        return tokenRequest(client, Map.of("grant_type", "refresh_token", "refresh_token", refreshToken), headers);
    }

    @Test
    void aBoundRefreshTokenRefreshesWithAProofOfTheSameKeyAndStaysBound() throws Exception {
        String refreshToken = boundTokens().get("refresh_token").asText();

        HttpResponse<String> response = refresh(refreshToken, "DPoP", DpopProofs.proof(key, "POST", tokenUrl(), now()));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = TestServer.json(response);
        assertThat(body.get("token_type").asText()).isEqualTo("DPoP");
        String jkt = DpopProofs.thumbprint(key);
        assertThat(claimsOf(body.get("access_token").asText()).getJSONObjectClaim("cnf").get("jkt")).isEqualTo(jkt);
        assertThat(claimsOf(body.get("refresh_token").asText()).getJSONObjectClaim("cnf").get("jkt")).isEqualTo(jkt);
    }

    @Test
    void aBoundRefreshTokenIsRefusedWithoutAProofOrWithAnotherKeysAndIsNotUsedUpByThat() {
        String refreshToken = boundTokens().get("refresh_token").asText();
        JWK other = DpopProofs.key(JWSAlgorithm.ES256);

        assertInvalidProof(refresh(refreshToken));
        assertInvalidProof(refresh(refreshToken, "DPoP", DpopProofs.proof(other, "POST", tokenUrl(), now())));

        assertThat(refresh(refreshToken, "DPoP", DpopProofs.proof(key, "POST", tokenUrl(), now())).statusCode())
                .isEqualTo(200);
    }

    @Test
    void theNimbusSdkRefreshesABoundTokenWithItsProofFactory() throws Exception {
        DefaultDPoPProofFactory factory = new DefaultDPoPProofFactory(key, JWSAlgorithm.ES256);
        String refreshToken = boundTokens().get("refresh_token").asText();
        TokenRequest request = new TokenRequest(URI.create(tokenUrl()),
                new ClientSecretBasic(new ClientID(client.clientId()), new Secret(client.secret())),
                new RefreshTokenGrant(new com.nimbusds.oauth2.sdk.token.RefreshToken(refreshToken)));
        HTTPRequest http = request.toHTTPRequest();
        http.setDPoP(factory.createDPoPJWT("POST", URI.create(tokenUrl())));

        TokenResponse response = TokenResponse.parse(http.send());

        assertThat(response.indicatesSuccess()).isTrue();
        assertThat(response.toSuccessResponse().getTokens().getAccessToken().getType()).isEqualTo(AccessTokenType.DPOP);
    }

    // --- dpopBoundAccessTokens -------------------------------------------------------------------

    private TestServer.Credentials dpopOnlyClient() {
        HttpResponse<String> created = server.admin("POST", "/admin/clients",
                "{\"partnerId\":\"partner-dpop\",\"dpopBoundAccessTokens\":true}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode body = TestServer.json(created);
        assertThat(body.get("dpopBoundAccessTokens").asBoolean()).isTrue();
        return new TestServer.Credentials(body.get("clientId").asText(), body.get("clientSecret").asText());
    }

    @Test
    void aClientRegisteredWithDpopBoundAccessTokensGetsNoTokenWithoutAProof() {
        TestServer.Credentials dpopOnly = dpopOnlyClient();

        assertInvalidProof(tokenRequest(dpopOnly, Map.of("grant_type", "client_credentials")));
        HttpResponse<String> withProof = tokenRequest(dpopOnly, Map.of("grant_type", "client_credentials"),
                "DPoP", DpopProofs.proof(key, "POST", tokenUrl(), now()));
        assertThat(withProof.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(withProof).get("token_type").asText()).isEqualTo("DPoP");
    }

    @Test
    void dpopBoundAccessTokensIsShownAndSurvivesARestartAndIsFalseByDefault() {
        TestServer.Credentials dpopOnly = dpopOnlyClient();

        server.restart();

        assertThat(TestServer.json(server.admin("GET", "/admin/clients/" + dpopOnly.clientId(), null))
                .get("dpopBoundAccessTokens").asBoolean()).isTrue();
        assertThat(TestServer.json(server.admin("GET", "/admin/clients/" + client.clientId(), null))
                .get("dpopBoundAccessTokens").asBoolean()).isFalse();
    }

    @Test
    void dpopBoundAccessTokensOfTheWrongTypeIsA400() {
        HttpResponse<String> created = server.admin("POST", "/admin/clients",
                "{\"partnerId\":\"partner-dpop\",\"dpopBoundAccessTokens\":\"yes\"}");

        assertThat(created.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(created).get("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void aPatchMakesAClientDpopOnlyFromItsNextTokenRequestAndAnotherPatchUndoesIt() {
        HttpResponse<String> on = server.admin("PATCH", "/admin/clients/" + client.clientId(),
                "{\"dpopBoundAccessTokens\":true}");

        assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
        assertThat(TestServer.json(on).get("dpopBoundAccessTokens").asBoolean()).isTrue();
        assertInvalidProof(tokenRequest(client, Map.of("grant_type", "client_credentials")));
        HttpResponse<String> withProof = tokenRequest(client, Map.of("grant_type", "client_credentials"),
                "DPoP", DpopProofs.proof(key, "POST", tokenUrl(), now()));
        assertThat(withProof.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(withProof).get("token_type").asText()).isEqualTo("DPoP");

        HttpResponse<String> off = server.admin("PATCH", "/admin/clients/" + client.clientId(),
                "{\"dpopBoundAccessTokens\":false}");

        assertThat(off.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(off).get("dpopBoundAccessTokens").asBoolean()).isFalse();
        HttpResponse<String> bearer = tokenRequest(client, Map.of("grant_type", "client_credentials"));
        assertThat(bearer.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(bearer).get("token_type").asText()).isEqualTo("Bearer");
    }

    @Test
    void aPatchOfDpopBoundAccessTokensIsStoredAndAPatchWithoutItKeepsIt() {
        server.admin("PATCH", "/admin/clients/" + client.clientId(), "{\"dpopBoundAccessTokens\":true}");
        HttpResponse<String> renamed = server.admin("PATCH", "/admin/clients/" + client.clientId(),
                "{\"name\":\"renamed\"}");

        server.restart();

        assertThat(TestServer.json(renamed).get("dpopBoundAccessTokens").asBoolean()).isTrue();
        JsonNode stored = TestServer.json(server.admin("GET", "/admin/clients/" + client.clientId(), null));
        assertThat(stored.get("dpopBoundAccessTokens").asBoolean()).isTrue();
        assertThat(stored.get("name").asText()).isEqualTo("renamed");
        assertInvalidProof(tokenRequest(client, Map.of("grant_type", "client_credentials")));
    }

    @Test
    void aPatchOfDpopBoundAccessTokensOfTheWrongTypeIsA400AndChangesNothing() {
        HttpResponse<String> patched = server.admin("PATCH", "/admin/clients/" + client.clientId(),
                "{\"dpopBoundAccessTokens\":\"yes\"}");

        assertThat(patched.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(patched).get("error").asText()).isEqualTo("invalid_request");
        assertThat(TestServer.json(server.admin("GET", "/admin/clients/" + client.clientId(), null))
                .get("dpopBoundAccessTokens").asBoolean()).isFalse();
    }

    // --- the check endpoint (SPEC §8) ------------------------------------------------------------

    private HttpResponse<String> check(String authorization, String... headers) {
        List<String> all = new ArrayList<>(List.of("Authorization", authorization,
                "X-Forwarded-Method", "GET", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "api.example",
                "X-Forwarded-Uri", "/orders/7?page=2"));
        all.addAll(List.of(headers));
        return server.get("/oauth2/check", all.toArray(String[]::new));
    }

    @Test
    void theCheckEndpointPassesABoundTokenWithAProofOfTheForwardedRequest() {
        String accessToken = boundTokens().get("access_token").asText();
        String proof = DpopProofs.proof(key, "GET", "https://api.example/orders/7", now(), h -> h,
                c -> c.claim("ath", DpopProofs.ath(accessToken)));

        HttpResponse<String> response = check("DPoP " + accessToken, "DPoP", proof);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Latchkey-Client-Id")).contains(client.clientId());
    }

    @Test
    void theCheckEndpointRefusesABoundTokenPresentedAsBearer() {
        String accessToken = boundTokens().get("access_token").asText();
        String proof = DpopProofs.proof(key, "GET", "https://api.example/orders/7", now(), h -> h,
                c -> c.claim("ath", DpopProofs.ath(accessToken)));

        HttpResponse<String> response = check("Bearer " + accessToken, "DPoP", proof);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().allValues("WWW-Authenticate")).anyMatch(c -> c.contains("invalid_token"));
    }

    static Stream<Arguments> badResourceProofs() {
        return Stream.of(
                Arguments.of("no proof", (Function<Proofs, String>) p -> null),
                Arguments.of("without ath", (Function<Proofs, String>) p -> DpopProofs.proof(p.key, "GET",
                        "https://api.example/orders/7", p.now)),
                Arguments.of("ath of another token", (Function<Proofs, String>) p -> DpopProofs.proof(p.key, "GET",
                        "https://api.example/orders/7", p.now, h -> h, c -> c.claim("ath", DpopProofs.ath("other")))),
                Arguments.of("another key", (Function<Proofs, String>) p -> DpopProofs.proof(
                        DpopProofs.key(JWSAlgorithm.ES256), "GET", "https://api.example/orders/7", p.now, h -> h,
                        c -> c.claim("ath", DpopProofs.ath(p.token)))),
                Arguments.of("wrong htm", (Function<Proofs, String>) p -> DpopProofs.proof(p.key, "POST",
                        "https://api.example/orders/7", p.now, h -> h, c -> c.claim("ath", DpopProofs.ath(p.token)))),
                Arguments.of("wrong htu", (Function<Proofs, String>) p -> DpopProofs.proof(p.key, "GET",
                        "https://api.example/orders/8", p.now, h -> h, c -> c.claim("ath", DpopProofs.ath(p.token)))),
                Arguments.of("stale", (Function<Proofs, String>) p -> DpopProofs.proof(p.key, "GET",
                        "https://api.example/orders/7", p.now.minusSeconds(120), h -> h,
                        c -> c.claim("ath", DpopProofs.ath(p.token)))),
                Arguments.of("malformed", (Function<Proofs, String>) p -> "x.y.z"));
    }

    /** What a bad proof at the check endpoint is made from. */
    record Proofs(JWK key, String token, Instant now) {
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badResourceProofs")
    void theCheckEndpointRefusesABoundTokenWithABadProofWith401AndADpopChallenge(String why, Function<Proofs, String> make) {
        String accessToken = boundTokens().get("access_token").asText();
        String proof = make.apply(new Proofs(key, accessToken, now()));

        HttpResponse<String> response = proof == null ? check("DPoP " + accessToken) : check("DPoP " + accessToken, "DPoP", proof);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().allValues("WWW-Authenticate"))
                .anyMatch(c -> c.startsWith("DPoP") && c.contains("invalid_dpop_proof"));
    }

    @Test
    void theCheckEndpointRefusesAReplayedProof() {
        String accessToken = boundTokens().get("access_token").asText();
        String proof = DpopProofs.proof(key, "GET", "https://api.example/orders/7", now(), h -> h,
                c -> c.claim("ath", DpopProofs.ath(accessToken)));

        assertThat(check("DPoP " + accessToken, "DPoP", proof).statusCode()).isEqualTo(200);
        assertThat(check("DPoP " + accessToken, "DPoP", proof).statusCode()).isEqualTo(401);
    }

    @Test
    void theCheckEndpointRefusesABearerTokenPresentedWithTheDpopScheme() {
        String accessToken = server.token(client).get("access_token").asText();

        assertThat(check("DPoP " + accessToken, "DPoP", DpopProofs.proof(key, "GET", "https://api.example/orders/7",
                now(), h -> h, c -> c.claim("ath", DpopProofs.ath(accessToken)))).statusCode()).isEqualTo(401);
    }
}
