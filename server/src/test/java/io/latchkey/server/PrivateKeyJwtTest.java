package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SPEC §7, private_key_jwt (RFC 7523 §2.2, RFC 7521 §4.2), driven by a third-party client (the
 * Nimbus OAuth 2.0 SDK's {@code PrivateKeyJWT}) and, for assertions the SDK would not make, by
 * hand: registration with a JWK set, the checks of each claim, single use, and every endpoint that
 * authenticates clients. Keys are generated at test time.
 */
class PrivateKeyJwtTest {
    @RegisterExtension
    static final TestServer server = TestServer.extension();

    private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    // --- registration ------------------------------------------------------------------------

    @Test
    void aClientRegisteredWithAJwkSetHasNoSecretAndShowsItsMethodAndPublicKeys() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();

        HttpResponse<String> created = register(new JWKSet(key.toPublicJWK()).toJSONObject(true));

        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode body = TestServer.json(created);
        assertThat(body.has("clientSecret")).isFalse();
        assertThat(body.get("tokenEndpointAuthMethod").asText()).isEqualTo("private_key_jwt");
        assertThat(body.get("jwks").get("keys").get(0).get("kid").asText()).isEqualTo("k1");
        assertThat(body.get("jwks").get("keys").get(0).has("d")).isFalse();
        JsonNode shown = TestServer.json(server.admin("GET", "/admin/clients/" + body.get("clientId").asText(), null));
        assertThat(shown.get("tokenEndpointAuthMethod").asText()).isEqualTo("private_key_jwt");
        assertThat(shown.get("jwks").get("keys").get(0).get("x").asText()).isEqualTo(key.getX().toString());
    }

    @Test
    void aClientOfASecretShowsClientSecretBasic() {
        TestServer.Credentials client = server.createClient("p");

        JsonNode shown = TestServer.json(server.admin("GET", "/admin/clients/" + client.clientId(), null));

        assertThat(shown.get("tokenEndpointAuthMethod").asText()).isEqualTo("client_secret_basic");
        assertThat(shown.has("jwks")).isFalse();
    }

    static Stream<Arguments> badRegistrations() throws Exception {
        ECKey ec = new ECKeyGenerator(Curve.P_256).generate();
        RSAKey weak = new RSAKeyGenerator(1024, true).generate();
        OctetSequenceKey hmac = new OctetSequenceKeyGenerator(256).generate();
        List<JWK> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(new ECKeyGenerator(Curve.P_256).keyID("k" + i).generate().toPublicJWK());
        }
        Map<String, Object> pkj = Map.of("tokenEndpointAuthMethod", "private_key_jwt");
        return Stream.of(
                Arguments.of("a private key", with(pkj, "jwks", new JWKSet(ec).toJSONObject(false))),
                Arguments.of("an HMAC key", with(pkj, "jwks", new JWKSet(hmac).toJSONObject(false))),
                Arguments.of("RSA of 1024 bits", with(pkj, "jwks", new JWKSet(weak.toPublicJWK()).toJSONObject(true))),
                Arguments.of("an EC key on P-384", with(pkj, "jwks", new JWKSet(
                        new ECKeyGenerator(Curve.P_384).generate().toPublicJWK()).toJSONObject(true))),
                Arguments.of("an empty set", with(pkj, "jwks", Map.of("keys", List.of()))),
                Arguments.of("eleven keys", with(pkj, "jwks", new JWKSet(eleven).toJSONObject(true))),
                Arguments.of("a set too large", with(pkj, "jwks", Map.of("keys", List.of(
                        Map.of("kty", "EC", "crv", "P-256", "x", ec.getX().toString(), "y", ec.getY().toString(),
                                "padding", "x".repeat(13_000)))))),
                Arguments.of("not a JWK set", with(pkj, "jwks", Map.of("keys", "none"))),
                Arguments.of("jwks not an object", with(pkj, "jwks", "{\"keys\":[]}")),
                Arguments.of("no jwks", pkj),
                Arguments.of("jwks for a secret", Map.of("tokenEndpointAuthMethod", "client_secret_basic",
                        "jwks", new JWKSet(ec.toPublicJWK()).toJSONObject(true))),
                Arguments.of("an unknown method", Map.of("tokenEndpointAuthMethod", "client_secret_jwt")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRegistrations")
    void aBadRegistrationIsAnInvalidRequest(String what, Map<String, Object> fields) {
        Map<String, Object> body = new LinkedHashMap<>(fields);
        body.put("partnerId", "p");

        HttpResponse<String> response = server.admin("POST", "/admin/clients", TestServer.write(body));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(TestServer.json(response).get("error").asText()).isEqualTo("invalid_request");
        assertThat(response.body()).doesNotContain("\"d\"");
    }

    // --- the token endpoint, through the SDK ---------------------------------------------------

    static Stream<Arguments> algorithms() {
        return Stream.of(Arguments.of(JWSAlgorithm.ES256), Arguments.of(JWSAlgorithm.RS256),
                Arguments.of(JWSAlgorithm.PS256));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("algorithms")
    void aClientSigningWithARegisteredKeyGetsATokenFromTheNimbusSdk(JWSAlgorithm alg) throws Exception {
        KeyClient client = KeyClient.register(alg);

        HTTPResponse http = new TokenRequest.Builder(tokenEndpoint(), client.sdkAssertion("/oauth2/token"),
                new ClientCredentialsGrant()).build().toHTTPRequest().send();

        AccessTokenResponse tokens = success(http);
        assertThat(SignedJWT.parse(tokens.getTokens().getAccessToken().getValue()).getJWTClaimsSet().getSubject())
                .isEqualTo(client.id());
    }

    /** The SDK signs only RSA and ECDSA assertions: EdDSA (Ed25519) is signed with Nimbus JOSE and sent by hand. */
    @Test
    void aClientSigningWithAnEd25519KeyGetsATokenWithEdDsa() throws Exception {
        KeyClient client = KeyClient.register(JWSAlgorithm.EdDSA);

        HttpResponse<String> response = token(client.sign(client.claims().build()));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(SignedJWT.parse(TestServer.json(response).get("access_token").asText()).getJWTClaimsSet()
                .getSubject()).isEqualTo(client.id());
    }

    @Test
    void aReplayedAssertionIsInvalidClient() throws Exception {
        KeyClient client = KeyClient.register(JWSAlgorithm.ES256);
        PrivateKeyJWT assertion = client.sdkAssertion("/oauth2/token");

        success(new TokenRequest.Builder(tokenEndpoint(), assertion, new ClientCredentialsGrant()).build()
                .toHTTPRequest().send());
        HTTPResponse replay = new TokenRequest.Builder(tokenEndpoint(), assertion, new ClientCredentialsGrant())
                .build().toHTTPRequest().send();

        assertThat(replay.getStatusCode()).isEqualTo(401);
        assertThat(replay.getBodyAsJSONObject().get("error")).isEqualTo("invalid_client");
    }

    @Test
    void oneJtiMayBeUsedByTwoClientsEachOnce() throws Exception {
        KeyClient first = KeyClient.register(JWSAlgorithm.ES256);
        KeyClient second = KeyClient.register(JWSAlgorithm.ES256);

        assertThat(token(first.sign(first.claims().jwtID("shared").build())).statusCode()).isEqualTo(200);
        assertThat(token(second.sign(second.claims().jwtID("shared").build())).statusCode()).isEqualTo(200);
    }

    // --- assertions that must not authenticate ---------------------------------------------------

    static Stream<Arguments> badAssertions() {
        return Stream.<Arguments>of(
                bad("another iss", c -> c.sign(c.claims().issuer("someone-else").build())),
                bad("another sub", c -> c.sign(c.claims().subject("someone-else").build())),
                bad("another aud", c -> c.sign(c.claims().audience("https://elsewhere.example/oauth2/token").build())),
                bad("no aud", c -> c.sign(c.claims().audience((String) null).build())),
                bad("an expired exp", c -> c.sign(c.claims().expirationTime(
                        Date.from(server.clock().instant().minusSeconds(1))).build())),
                bad("exp six minutes ahead", c -> c.sign(c.claims().expirationTime(
                        Date.from(server.clock().instant().plus(Duration.ofMinutes(6)))).build())),
                bad("no exp", c -> c.sign(c.claims().expirationTime(null).build())),
                bad("a future nbf", c -> c.sign(c.claims().notBeforeTime(
                        Date.from(server.clock().instant().plusSeconds(60))).build())),
                bad("no jti", c -> c.sign(c.claims().jwtID(null).build())),
                bad("alg none", c -> new PlainJWT(c.claims().build()).serialize()),
                bad("HS256 with the public key as secret", c -> hmac(c.claims().build(),
                        c.key.toPublicJWK().toJSONString().getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                bad("HS256 with the client id as secret", c -> hmac(c.claims().build(),
                        (c.id() + c.id()).getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                bad("a key not in the set", c -> KeyClient.unregistered(c.id()).sign(c.claims().build())),
                bad("a tampered payload", c -> {
                    String[] parts = c.sign(c.claims().build()).split("\\.");
                    return parts[0] + "." + Base64URL.encode(c.claims().claim("scope", "admin").build().toString())
                            + "." + parts[2];
                }),
                bad("garbage", c -> "not.a.jwt"),
                bad("9 KiB", c -> c.sign(c.claims().claim("pad", "x".repeat(9 * 1024)).build())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badAssertions")
    void anAssertionThatDoesNotCheckOutIsInvalidClient(String what, Function<KeyClient, String> assertion)
            throws Exception {
        KeyClient client = KeyClient.register(JWSAlgorithm.ES256);

        HttpResponse<String> response = token(assertion.apply(client));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(TestServer.json(response).get("error").asText()).isEqualTo("invalid_client");
    }

    @Test
    void aClientIdInTheBodyThatDiffersFromTheIssuerIsAnInvalidRequest() throws Exception {
        KeyClient client = KeyClient.register(JWSAlgorithm.ES256);

        HttpResponse<String> response = server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials",
                "client_id", "other-client", "client_assertion_type", JWT_BEARER,
                "client_assertion", client.sign(client.claims().build())));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(response).get("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void aMatchingClientIdInTheBodyIsAccepted() throws Exception {
        KeyClient client = KeyClient.register(JWSAlgorithm.ES256);

        HttpResponse<String> response = server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials",
                "client_id", client.id(), "client_assertion_type", JWT_BEARER,
                "client_assertion", client.sign(client.claims().build())));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void anotherAssertionTypeIsAnInvalidRequest() throws Exception {
        KeyClient client = KeyClient.register(JWSAlgorithm.ES256);

        HttpResponse<String> response = server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials",
                "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:saml2-bearer",
                "client_assertion", client.sign(client.claims().build())));

        assertThat(response.statusCode()).isEqualTo(400);
    }

    @Test
    void aPrivateKeyJwtClientHasNoSecretToAuthenticateWithOrRotate() throws Exception {
        KeyClient client = KeyClient.register(JWSAlgorithm.ES256);

        HttpResponse<String> basic = server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                "Authorization", new TestServer.Credentials(client.id(), "").basic());
        HttpResponse<String> rotate = server.admin("POST", "/admin/clients/" + client.id() + "/secret", null);

        assertThat(basic.statusCode()).isEqualTo(401);
        assertThat(rotate.statusCode()).isEqualTo(400);
    }

    @Test
    void aSecretClientCannotAuthenticateWithAnAssertion() throws Exception {
        TestServer.Credentials secretClient = server.createClient("p");
        KeyClient impostor = KeyClient.unregistered(secretClient.clientId());

        HttpResponse<String> response = token(impostor.sign(impostor.claims().build()));

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void aDeletedClientsAssertionsAreRefused() throws Exception {
        KeyClient client = KeyClient.register(JWSAlgorithm.ES256);
        assertThat(token(client.sign(client.claims().build())).statusCode()).isEqualTo(200);

        assertThat(server.admin("DELETE", "/admin/clients/" + client.id(), null).statusCode()).isEqualTo(200);

        assertThat(token(client.sign(client.claims().build())).statusCode()).isEqualTo(401);
    }

    // --- introspection and revocation -----------------------------------------------------------

    @Test
    void introspectionAndRevocationAcceptPrivateKeyJwt() throws Exception {
        KeyClient client = KeyClient.register(JWSAlgorithm.RS256);
        AccessTokenResponse tokens = success(new TokenRequest.Builder(tokenEndpoint(),
                client.sdkAssertion("/oauth2/token"), new ClientCredentialsGrant()).build().toHTTPRequest().send());

        HTTPResponse introspected = new TokenIntrospectionRequest(server.uri("/oauth2/introspect"),
                client.sdkAssertion("/oauth2/introspect"), tokens.getTokens().getAccessToken())
                .toHTTPRequest().send();
        assertThat(TokenIntrospectionResponse.parse(introspected).toSuccessResponse().isActive()).isTrue();

        // aud may also be the issuer itself (RFC 7523 §3 item 3).
        PrivateKeyJWT toIssuer = new PrivateKeyJWT(SignedJWT.parse(client.sign(client.claims()
                .audience(server.issuer()).build())));
        HTTPResponse revoked = new TokenRevocationRequest(server.uri("/oauth2/revoke"), toIssuer,
                tokens.getTokens().getAccessToken()).toHTTPRequest().send();
        assertThat(revoked.getStatusCode()).isEqualTo(200);

        HTTPResponse after = new TokenIntrospectionRequest(server.uri("/oauth2/introspect"),
                client.sdkAssertion("/oauth2/introspect"), tokens.getTokens().getAccessToken())
                .toHTTPRequest().send();
        assertThat(TokenIntrospectionResponse.parse(after).toSuccessResponse().isActive()).isFalse();
    }

    @Test
    void theMetadataListsPrivateKeyJwtAndItsAlgorithms() {
        JsonNode metadata = TestServer.json(server.get("/.well-known/oauth-authorization-server"));

        for (String field : List.of("token_endpoint_auth_methods_supported",
                "introspection_endpoint_auth_methods_supported", "revocation_endpoint_auth_methods_supported")) {
            assertThat(metadata.get(field).toString()).contains("\"private_key_jwt\"");
        }
        assertThat(metadata.get("token_endpoint_auth_signing_alg_values_supported").toString())
                .isEqualTo("[\"RS256\",\"PS256\",\"ES256\",\"EdDSA\"]");
    }

    // --- helpers -------------------------------------------------------------------------------

    private static Arguments bad(String what, Function<KeyClient, String> assertion) {
        return Arguments.of(what, assertion);
    }

    private static Map<String, Object> with(Map<String, Object> fields, String name, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(fields);
        copy.put(name, value);
        return copy;
    }

    static HttpResponse<String> register(Map<String, Object> jwks) {
        return server.admin("POST", "/admin/clients", TestServer.write(Map.of("partnerId", "p",
                "tokenEndpointAuthMethod", "private_key_jwt", "jwks", jwks)));
    }

    private static URI tokenEndpoint() {
        return server.uri("/oauth2/token");
    }

    private static HttpResponse<String> token(String assertion) {
        return server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials",
                "client_assertion_type", JWT_BEARER, "client_assertion", assertion));
    }

    private static String hmac(JWTClaimsSet claims, byte[] secret) {
        try {
            byte[] key = secret.length >= 32 ? secret : java.util.Arrays.copyOf(secret, 32);
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static AccessTokenResponse success(HTTPResponse http) throws Exception {
        TokenResponse response = TokenResponse.parse(http);
        assertThat(response.indicatesSuccess())
                .as("token endpoint answered %s: %s", http.getStatusCode(), http.getBody()).isTrue();
        return response.toSuccessResponse();
    }

    /** A private_key_jwt client: its id and its private key, whose public half the server holds. */
    record KeyClient(String id, JWK key, JWSAlgorithm alg) {
        static KeyClient register(JWSAlgorithm alg) throws Exception {
            JWK key = generate(alg);
            HttpResponse<String> created = PrivateKeyJwtTest.register(new JWKSet(key.toPublicJWK()).toJSONObject(true));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            return new KeyClient(TestServer.json(created).get("clientId").asText(), key, alg);
        }

        /** A client that claims {@code id} but signs with a key the server never saw. */
        static KeyClient unregistered(String id) {
            try {
                return new KeyClient(id, generate(JWSAlgorithm.ES256), JWSAlgorithm.ES256);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private static JWK generate(JWSAlgorithm alg) throws Exception {
            String kid = UUID.randomUUID().toString();
            if (JWSAlgorithm.EdDSA.equals(alg)) {
                return new OctetKeyPairGenerator(Curve.Ed25519).keyID(kid).generate();
            }
            if (JWSAlgorithm.ES256.equals(alg)) {
                return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
            }
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        }

        /**
         * The SDK's own assertion (exp a minute after now, a random jti) for the endpoint at
         * {@code path} of the issuer, signed with the JCA private key. The server's clock, which
         * stands still, is then set to now, so the SDK's exp lies within its five minutes.
         */
        PrivateKeyJWT sdkAssertion(String path) throws Exception {
            URI audience = URI.create(server.issuer() + path);
            PrivateKeyJWT assertion = key instanceof ECKey ec
                    ? new PrivateKeyJWT(new ClientID(id), audience, alg, ec.toECPrivateKey(), ec.getKeyID(), null)
                    : new PrivateKeyJWT(new ClientID(id), audience, alg, ((RSAKey) key).toRSAPrivateKey(),
                            key.getKeyID(), null);
            server.clock().set(Instant.now());
            return assertion;
        }

        /** Good claims, by the server's clock: each bad case changes one. */
        JWTClaimsSet.Builder claims() {
            Instant now = server.clock().instant();
            return new JWTClaimsSet.Builder().issuer(id).subject(id).audience(server.issuer() + "/oauth2/token")
                    .expirationTime(Date.from(now.plus(Duration.ofMinutes(4))))
                    .issueTime(Date.from(now)).jwtID(UUID.randomUUID().toString());
        }

        String sign(JWTClaimsSet claims) {
            try {
                JWSSigner signer = key instanceof OctetKeyPair okp ? new Ed25519Signer(okp)
                        : key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key);
                SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID())
                        .type(JOSEObjectType.JWT).build(), claims);
                jwt.sign(signer);
                return jwt.serialize();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
