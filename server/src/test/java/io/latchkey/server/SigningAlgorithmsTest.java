package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.latchkey.core.key.SigningAlgorithm;
import io.latchkey.server.TestServer.Credentials;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Access tokens under each configured {@code LATCHKEY_SIGNING_ALG} (SPEC §1, §3): RFC 9068 shape,
 * verification by a third-party JWT processor against the published JWKS (RFC 7517), and signing
 * key rotation. The algorithm is fixed at start-up, so each algorithm has its own server; a test
 * that rotates keys or moves the clock starts one of its own.
 */
class SigningAlgorithmsTest {
    private static final JOSEObjectType ACCESS_TOKEN_TYPE = new JOSEObjectType("at+jwt");

    /** One server per algorithm for the tests that neither rotate keys nor move the clock. */
    private static final Map<SigningAlgorithm, TestServer> SHARED = new EnumMap<>(SigningAlgorithm.class);

    private TestServer server;
    private boolean ownServer;

    @AfterEach
    void stopOwnServer() {
        if (ownServer) {
            server.close();
        }
    }

    @AfterAll
    static void stopSharedServers() {
        SHARED.values().forEach(TestServer::close);
        SHARED.clear();
    }

    /** A server of its own, for a test that rotates keys or moves the clock. */
    private void start(SigningAlgorithm algorithm) {
        server = TestServer.start(builder -> builder.signingAlgorithm(algorithm));
        ownServer = true;
    }

    private void useShared(SigningAlgorithm algorithm) {
        server = SHARED.computeIfAbsent(algorithm,
                alg -> TestServer.start(builder -> builder.signingAlgorithm(alg)));
        ownServer = false;
    }

    @ParameterizedTest
    @EnumSource(value = SigningAlgorithm.class, names = {"ES256", "RS256", "EdDSA", "HS256"})
    void accessTokensAreAtJwtsThatNameTheirKeyAndCarryTheRfc9068Claims(SigningAlgorithm algorithm) throws Exception {
        useShared(algorithm);
        Credentials client = server.createClient("acme", "read", "write");

        SignedJWT token = SignedJWT.parse(server.token(client).get("access_token").asText());

        JWSHeader header = token.getHeader();
        assertThat(header.getAlgorithm()).isEqualTo(algorithm.jws());
        assertThat(header.getType()).isEqualTo(ACCESS_TOKEN_TYPE);
        assertThat(header.getKeyID()).isNotBlank();
        JWTClaimsSet claims = token.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(server.issuer());
        assertThat(claims.getSubject()).isEqualTo(client.clientId());
        assertThat(claims.getStringClaim("client_id")).isEqualTo(client.clientId());
        assertThat(claims.getAudience()).isNotEmpty().allSatisfy(aud -> assertThat(aud).isNotBlank());
        assertThat(claims.getIssueTime()).isNotNull();
        assertThat(claims.getExpirationTime().toInstant())
                .isEqualTo(claims.getIssueTime().toInstant().plus(Duration.ofHours(1)));
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getStringClaim("partner_id")).isEqualTo("acme");
        assertThat(claims.getStringClaim("scope")).isEqualTo("read write");
    }

    @ParameterizedTest
    @EnumSource(value = SigningAlgorithm.class, names = {"ES256", "RS256", "EdDSA", "HS256"})
    void everyAccessTokenHasItsOwnJti(SigningAlgorithm algorithm) throws Exception {
        useShared(algorithm);
        Credentials client = server.createClient("p");

        String first = SignedJWT.parse(server.token(client).get("access_token").asText()).getJWTClaimsSet().getJWTID();
        String second = SignedJWT.parse(server.token(client).get("access_token").asText()).getJWTClaimsSet().getJWTID();

        assertThat(first).isNotEqualTo(second);
    }

    @ParameterizedTest
    @EnumSource(value = SigningAlgorithm.class, names = {"ES256", "RS256", "EdDSA"})
    void accessTokensVerifyWithAJwtProcessorFedFromThePublishedJwks(SigningAlgorithm algorithm) throws Exception {
        useShared(algorithm);
        Credentials client = server.createClient("acme", "read");
        String accessToken = server.token(client).get("access_token").asText();

        JWKSource<SecurityContext> jwks = JWKSourceBuilder.<SecurityContext>create(jwksUrl()).retrying(false).build();
        JWTClaimsSet claims = processor(algorithm, jwks).process(accessToken, null);

        assertThat(claims.getSubject()).isEqualTo(client.clientId());
        assertThat(claims.getStringClaim("partner_id")).isEqualTo("acme");
    }

    @ParameterizedTest
    @EnumSource(value = SigningAlgorithm.class, names = {"ES256", "RS256", "EdDSA"})
    void theJwksPublishesOnlyPublicKeysEachWithAKid(SigningAlgorithm algorithm) throws Exception {
        useShared(algorithm);
        String kid = SignedJWT.parse(server.token(server.createClient("p")).get("access_token").asText())
                .getHeader().getKeyID();

        JWKSet jwks = JWKSet.load(jwksUrl());

        assertThat(jwks.getKeys()).isNotEmpty();
        assertThat(jwks.getKeys()).allSatisfy(jwk -> {
            assertThat(jwk.getKeyID()).isNotBlank();
            assertThat(jwk.isPrivate()).as("private key material in the JWKS").isFalse();
        });
        assertThat(jwks.getKeyByKeyId(kid)).isNotNull();
        assertThat(server.get("/oauth2/jwks").body()).doesNotContain("\"d\"", "\"p\"", "\"q\"");
    }

    @Test
    void aSymmetricAlgorithmPublishesAnEmptyJwks() throws Exception {
        start(SigningAlgorithm.HS256);
        server.token(server.createClient("p"));

        HttpResponse<String> response = server.get("/oauth2/jwks");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(response)).isEqualTo(TestServer.JSON.readTree("{\"keys\":[]}"));
        assertThat(server.admin("POST", "/admin/keys/rotate", null).statusCode()).isEqualTo(200);
        assertThat(TestServer.json(server.get("/oauth2/jwks")))
                .isEqualTo(TestServer.JSON.readTree("{\"keys\":[]}"));
    }

    @ParameterizedTest
    @EnumSource(value = SigningAlgorithm.class, names = {"ES256", "RS256", "EdDSA", "HS256"})
    void keyRotationSignsNewTokensWithANewKidAndKeepsEarlierTokensActive(SigningAlgorithm algorithm) throws Exception {
        start(algorithm);
        Credentials client = server.createClient("p");
        String before = server.token(client).get("access_token").asText();
        String oldKid = SignedJWT.parse(before).getHeader().getKeyID();

        HttpResponse<String> rotated = server.admin("POST", "/admin/keys/rotate", null);

        assertThat(rotated.statusCode()).isEqualTo(200);
        String after = server.token(client).get("access_token").asText();
        String newKid = SignedJWT.parse(after).getHeader().getKeyID();
        assertThat(newKid).isNotBlank().isNotEqualTo(oldKid);
        assertThat(SignedJWT.parse(after).getHeader().getAlgorithm()).isEqualTo(algorithm.jws());
        assertThat(introspect(before).get("active").asBoolean()).isTrue();
        assertThat(introspect(after).get("active").asBoolean()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = SigningAlgorithm.class, names = {"ES256", "RS256", "EdDSA"})
    void afterKeyRotationTheJwksHoldsTheOldAndTheNewKeyAndBothGenerationsVerify(SigningAlgorithm algorithm)
            throws Exception {
        start(algorithm);
        Credentials client = server.createClient("p");
        String before = server.token(client).get("access_token").asText();
        String oldKid = SignedJWT.parse(before).getHeader().getKeyID();

        assertThat(server.admin("POST", "/admin/keys/rotate", null).statusCode()).isEqualTo(200);
        String after = server.token(client).get("access_token").asText();
        String newKid = SignedJWT.parse(after).getHeader().getKeyID();

        JWKSet jwks = JWKSet.load(jwksUrl());
        assertThat(jwks.getKeys()).extracting(JWK::getKeyID).contains(oldKid, newKid);
        DefaultJWTProcessor<SecurityContext> processor = processor(algorithm, new ImmutableJWKSet<>(jwks));
        assertThat(processor.process(before, null).getSubject()).isEqualTo(client.clientId());
        assertThat(processor.process(after, null).getSubject()).isEqualTo(client.clientId());
    }

    @ParameterizedTest
    @EnumSource(value = SigningAlgorithm.class, names = {"ES256", "RS256", "EdDSA"})
    void aRetiredKeyStaysInTheJwksUntilTheLastTokenItSignedExpires(SigningAlgorithm algorithm) throws Exception {
        start(algorithm);
        Credentials client = server.createClient("p");
        assertThat(server.admin("POST", "/admin/keys/rotate", null).statusCode()).isEqualTo(200);
        String lastOfItsKey = server.token(client).get("access_token").asText();
        SignedJWT parsed = SignedJWT.parse(lastOfItsKey);
        Instant exp = parsed.getJWTClaimsSet().getExpirationTime().toInstant();

        assertThat(server.admin("POST", "/admin/keys/rotate", null).statusCode()).isEqualTo(200);
        server.clock().advance(Duration.between(server.clock().instant(), exp).minusMillis(1));

        assertThat(JWKSet.load(jwksUrl()).getKeyByKeyId(parsed.getHeader().getKeyID())).isNotNull();
        assertThat(introspect(lastOfItsKey).get("active").asBoolean()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = SigningAlgorithm.class, names = {"ES256", "RS256", "EdDSA"})
    void aRefreshTokenIsRejectedByTheAccessTokenProcessor(SigningAlgorithm algorithm) throws Exception {
        useShared(algorithm);
        String refreshToken = server.token(server.createClient("p")).get("refresh_token").asText();
        DefaultJWTProcessor<SecurityContext> processor = processor(algorithm,
                new ImmutableJWKSet<>(JWKSet.load(jwksUrl())));

        assertThat(SignedJWT.parse(refreshToken).getHeader().getType()).isNotEqualTo(ACCESS_TOKEN_TYPE);
        assertThatThrownBy(() -> processor.process(refreshToken, null)).isInstanceOf(BadJOSEException.class);
    }

    @ParameterizedTest
    @EnumSource(value = SigningAlgorithm.class, names = {"ES256", "RS256", "EdDSA", "HS256"})
    void introspectionNeverPresentsARefreshTokenAsAnAccessToken(SigningAlgorithm algorithm) throws Exception {
        useShared(algorithm);
        JsonNode tokens = server.token(server.createClient("p"));

        JsonNode answer = introspect(tokens.get("refresh_token").asText());

        assertThat(SignedJWT.parse(tokens.get("refresh_token").asText()).getHeader().getType())
                .isNotEqualTo(ACCESS_TOKEN_TYPE);
        assertThat(answer.path("token_type").asText()).isNotEqualToIgnoringCase("Bearer")
                .isNotEqualToIgnoringCase("access_token");
        assertThat(introspect(tokens.get("access_token").asText()).get("token_type").asText())
                .isEqualToIgnoringCase("Bearer");
    }

    @ParameterizedTest
    @EnumSource(value = SigningAlgorithm.class, names = {"ES256", "RS256", "EdDSA", "HS256"})
    void anAccessTokenWithAlteredClaimsIsInactive(SigningAlgorithm algorithm) throws Exception {
        useShared(algorithm);
        SignedJWT genuine = SignedJWT.parse(server.token(server.createClient("p")).get("access_token").asText());
        JWTClaimsSet altered = new JWTClaimsSet.Builder(genuine.getJWTClaimsSet())
                .claim("partner_id", "someone-else").build();
        Base64URL[] parts = genuine.getParsedParts();
        String tampered = parts[0] + "." + Base64URL.encode(altered.toString().getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];

        assertThat(TestServer.json(server.postForm("/oauth2/introspect", Map.of("token", tampered),
                "X-API-Key", TestServer.ADMIN_KEY))).isEqualTo(TestServer.JSON.readTree("{\"active\":false}"));
    }

    @ParameterizedTest
    @EnumSource(value = SigningAlgorithm.class, names = {"ES256", "RS256", "EdDSA", "HS256"})
    void anUnsignedCopyOfAnAccessTokenIsInactive(SigningAlgorithm algorithm) throws Exception {
        useShared(algorithm);
        SignedJWT genuine = SignedJWT.parse(server.token(server.createClient("p")).get("access_token").asText());

        String unsigned = new PlainJWT(genuine.getJWTClaimsSet()).serialize();

        assertThat(introspect(unsigned)).isEqualTo(TestServer.JSON.readTree("{\"active\":false}"));
    }

    @ParameterizedTest
    @EnumSource(value = SigningAlgorithm.class, names = {"ES256", "RS256", "EdDSA"})
    void anAccessTokenReSignedWithHmacOverThePublicKeyIsInactive(SigningAlgorithm algorithm) throws Exception {
        useShared(algorithm);
        SignedJWT genuine = SignedJWT.parse(server.token(server.createClient("p")).get("access_token").asText());
        String publicJwk = JWKSet.load(jwksUrl()).getKeyByKeyId(genuine.getHeader().getKeyID()).toJSONString();
        // The classic algorithm confusion: HMAC keyed with what the verifier holds as public.
        byte[] hmacKey = publicJwk.getBytes(StandardCharsets.UTF_8);
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256)
                .type(ACCESS_TOKEN_TYPE).keyID(genuine.getHeader().getKeyID()).build(), genuine.getJWTClaimsSet());
        forged.sign(new MACSigner(hmacKey));

        assertThat(introspect(forged.serialize())).isEqualTo(TestServer.JSON.readTree("{\"active\":false}"));
    }

    // --- helpers ----------------------------------------------------------------------------------

    private URL jwksUrl() throws Exception {
        return server.uri("/oauth2/jwks").toURL();
    }

    /** What a protected API would configure: the algorithm, the JWKS, {@code typ: at+jwt}, and the issuer. */
    private DefaultJWTProcessor<SecurityContext> processor(SigningAlgorithm algorithm,
                                                           JWKSource<SecurityContext> jwks) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(ACCESS_TOKEN_TYPE));
        processor.setJWSKeySelector(new Ed25519AwareKeySelector(algorithm.jws(), jwks));
        processor.setJWSVerifierFactory(new Ed25519AwareVerifierFactory());
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                new JWTClaimsSet.Builder().issuer(server.issuer()).build(),
                Set.of("sub", "client_id", "aud", "iat", "exp", "jti", "partner_id")));
        return processor;
    }

    private JsonNode introspect(String token) {
        HttpResponse<String> response = server.postForm("/oauth2/introspect", Map.of("token", token),
                "X-API-Key", TestServer.ADMIN_KEY);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestServer.json(response);
    }

    /**
     * Nimbus's {@link JWSVerificationKeySelector} hands the processor {@link Key}s made by
     * {@code KeyConverter}, which silently skips Ed25519 {@link OctetKeyPair}s (they have no JCA
     * form in Nimbus; see spring-security#17098), so a stock processor finds no key for any EdDSA
     * token. This selector adds each matching public Ed25519 JWK wrapped in a {@link PublicKey}.
     */
    private static final class Ed25519AwareKeySelector extends JWSVerificationKeySelector<SecurityContext> {
        private final JWKSource<SecurityContext> jwks;

        Ed25519AwareKeySelector(JWSAlgorithm algorithm, JWKSource<SecurityContext> jwks) {
            super(algorithm, jwks);
            this.jwks = jwks;
        }

        @Override
        public List<Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
            List<Key> keys = new ArrayList<>(super.selectJWSKeys(header, context));
            if (!isAllowed(header.getAlgorithm())) {
                return keys;
            }
            for (JWK jwk : jwks.get(new JWKSelector(createJWKMatcher(header)), context)) {
                if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve()) && !okp.isPrivate()) {
                    keys.add(new Ed25519PublicJwk(okp));
                }
            }
            return keys;
        }
    }

    /** Builds an {@link Ed25519Verifier} for what {@link Ed25519AwareKeySelector} wrapped. */
    private static final class Ed25519AwareVerifierFactory extends DefaultJWSVerifierFactory {
        @Override
        public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
            if (key instanceof Ed25519PublicJwk wrapped) {
                return new Ed25519Verifier(wrapped.jwk());
            }
            return super.createJWSVerifier(header, key);
        }
    }

    private record Ed25519PublicJwk(OctetKeyPair jwk) implements PublicKey {
        @Override
        public String getAlgorithm() {
            return "Ed25519";
        }

        @Override
        public String getFormat() {
            return null;
        }

        @Override
        public byte[] getEncoded() {
            return null;
        }
    }
}
