package io.latchkey.server;

import static io.latchkey.server.OAuthRequests.introspect;
import static io.latchkey.server.OAuthRequests.isActive;
import static io.latchkey.server.OAuthRequests.pipelineTokens;
import static io.latchkey.server.TokenForgery.compact;
import static io.latchkey.server.TokenForgery.edit;
import static io.latchkey.server.TokenForgery.headerJson;
import static io.latchkey.server.TokenForgery.hmac;
import static io.latchkey.server.TokenForgery.payloadJson;
import static io.latchkey.server.TokenForgery.signature;
import static io.latchkey.server.TokenForgery.signed;
import static io.latchkey.server.TokenForgery.withDuplicateAtEnd;
import static io.latchkey.server.TokenForgery.withDuplicateAtStart;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.latchkey.core.key.SigningAlgorithm;
import io.latchkey.server.OAuthRequests.Tokens;
import io.latchkey.server.TestServer.Credentials;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile tokens on every path that accepts a token ({@link TokenPath}): the refresh grant on
 * {@code /oauth2/token} and on {@code /pipeline/oauth2}, introspection and revocation.
 *
 * <p>Each test forges its tokens from the genuine tokens of a fresh victim client, presents each
 * on the path, and asserts the path's refusal: {@code invalid_grant}, exactly
 * {@code {"active":false}}, or revocation's 200. Every answer is also checked to be a 4xx or that
 * 200, never a 5xx, with no stack trace, class name or echo of the token. Finally the victim's
 * genuine tokens must be untouched — both still active, the refresh token still refreshing — so a
 * forgery sharing their {@code jti} and family neither consumed nor revoked anything.
 *
 * <p>Where a forgery needs the server's own key (a token correct but for one claim, to prove that
 * claim's check and not just the signature check), {@link SigningKeysAtRest} reads it from the
 * store as an insider holding the data dir could; each such test first shows that a token minted
 * that way with genuine claims <em>is</em> accepted, so the refusal is the claim's doing.
 */
class HostileTokenTest {
    private static final String OTHER_ISSUER = "http://other";

    /**
     * HS256 access tokens, the default; its keys are read from the store for the forgeries that
     * need them. The expiry test moves its clock (30 days on, 2 ms back and forth): every test
     * makes its tokens after reading the clock, so none depends on where it stands.
     */
    @RegisterExtension
    static final TestServer server = TestServer.extension();
    private static SigningKeysAtRest keys;
    /**
     * RS256, ES256 and EdDSA servers for algorithm confusion. Each has an issuer of its own, so they are
     * also the other Latchkeys whose tokens must not pass here.
     */
    private static final Map<SigningAlgorithm, TestServer> ASYMMETRIC = new EnumMap<>(SigningAlgorithm.class);

    @BeforeAll
    static void start() {
        keys = SigningKeysAtRest.of(server);
    }

    @AfterAll
    static void stop() {
        ASYMMETRIC.values().forEach(TestServer::close);
        ASYMMETRIC.clear();
    }

    /** The RS256, ES256 or EdDSA server, with issuer {@code http://other-rs256}, {@code -es256} or {@code -eddsa}. */
    private static TestServer asymmetric(SigningAlgorithm algorithm) {
        return ASYMMETRIC.computeIfAbsent(algorithm, alg -> TestServer.start(config -> config.signingAlgorithm(alg)
                .issuer(OTHER_ISSUER + "-" + alg.name().toLowerCase(java.util.Locale.ROOT))));
    }

    // --- alg: none and algorithm confusion ------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @EnumSource(TokenPath.class)
    void anUnsignedTokenWithAlgNoneIsRefused(TokenPath path) throws Exception {
        Victim victim = Victim.of(server);
        List<String> forged = new ArrayList<>();
        for (String genuine : victim.both()) {
            for (String none : List.of("none", "None", "NONE", "nOnE")) {
                String header = edit(headerJson(genuine), h -> h.put("alg", none));
                forged.add(compact(header, payloadJson(genuine), ""));
                forged.add(compact(header, payloadJson(genuine), signature(genuine)));
            }
            forged.add(new PlainJWT(SignedJWT.parse(genuine).getJWTClaimsSet()).serialize());
        }

        path.assertRefusesEach(server, victim.client(), forged);
        victim.assertUntouched();
    }

    static Stream<Arguments> asymmetricServersAndPaths() {
        return Stream.of(SigningAlgorithm.RS256, SigningAlgorithm.ES256, SigningAlgorithm.EdDSA)
                .flatMap(algorithm -> Stream.of(TokenPath.values()).map(path -> Arguments.of(algorithm, path)));
    }

    /**
     * The classic confusion: the verifier holds a public key, the attacker uses it as an HMAC
     * secret and names {@code HS256}. Every common form of the public key is tried as the secret.
     */
    @ParameterizedTest(name = "{0} server, {1}")
    @MethodSource("asymmetricServersAndPaths")
    void anHmacTokenKeyedWithTheServersPublicKeyIsRefused(SigningAlgorithm algorithm, TokenPath path)
            throws Exception {
        TestServer asymmetric = asymmetric(algorithm);
        Victim victim = Victim.of(asymmetric);
        String jwks = asymmetric.get("/oauth2/jwks").body();
        JWK publicJwk = JWKSet.parse(jwks).getKeyByKeyId(SignedJWT.parse(victim.access()).getHeader().getKeyID());
        assertThat(publicJwk).as("the access token's key is published").isNotNull();
        assertThat(publicJwk.isPrivate()).isFalse();
        List<byte[]> secrets = new ArrayList<>(List.of(
                publicJwk.toJSONString().getBytes(StandardCharsets.UTF_8),
                jwks.getBytes(StandardCharsets.UTF_8)));
        if (publicJwk instanceof OctetKeyPair okp) {
            // RFC 8037 keys have no JCA form in Nimbus: the raw 32 bytes and their base64url text.
            secrets.add(okp.getX().decode());
            secrets.add(okp.getX().toString().getBytes(StandardCharsets.US_ASCII));
        } else {
            PublicKey publicKey = publicJwk instanceof RSAKey rsa ? rsa.toPublicKey() : ((ECKey) publicJwk).toPublicKey();
            secrets.add(publicKey.getEncoded());
            secrets.add(pem(publicKey).getBytes(StandardCharsets.US_ASCII));
            secrets.add(pem(publicKey).strip().getBytes(StandardCharsets.US_ASCII));
            secrets.add(publicJwk instanceof RSAKey rsa ? rsa.getModulus().decode() : ((ECKey) publicJwk).getX().decode());
        }

        List<String> forged = new ArrayList<>();
        for (String genuine : victim.both()) {
            String originalKid = SignedJWT.parse(genuine).getHeader().getKeyID();
            for (String kid : new LinkedHashSet<>(List.of(publicJwk.getKeyID(), originalKid))) {
                for (String hs : List.of("HS256", "HS512")) {
                    String header = edit(headerJson(genuine), h -> h.put("alg", hs).put("kid", kid));
                    for (byte[] secret : secrets) {
                        forged.add(compact(header, payloadJson(genuine), hmac(hs, secret, header, payloadJson(genuine))));
                    }
                }
            }
        }

        path.assertRefusesEach(asymmetric, victim.client(), forged);
        victim.assertUntouched();
    }

    // --- kid --------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @EnumSource(TokenPath.class)
    void aKidNamingAnUnknownKeyIsRefused(TokenPath path) {
        assertKidsRefused(path, List.of(UUID.randomUUID().toString(), "", "null", "kid-" + "x".repeat(2000)));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TokenPath.class)
    void aKidThatIsAPathIsRefused(TokenPath path) {
        assertKidsRefused(path, List.of("../../etc/passwd", "file:///etc/passwd", "..\\..\\windows\\win.ini",
                "%2e%2e%2fmaster.key", "latchkey.db"));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TokenPath.class)
    void aKidThatIsSqlIsRefused(TokenPath path) {
        assertKidsRefused(path, List.of("' OR 1=1 --", "\" OR \"\"=\"", "x'; DROP TABLE signing_keys; --",
                "\u0000' UNION SELECT sealed_jwk FROM signing_keys --"));
    }

    /**
     * Keys are looked up by {@code kid} within their purpose: naming the refresh-token key on an
     * access token, the access-token key on a refresh token, or the secret pepper's fixed kid,
     * and signing with exactly that key, verifies nothing.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(TokenPath.class)
    void aTokenSignedWithAKeyOfAnotherPurposeIsRefused(TokenPath path) {
        Victim victim = Victim.of(server);
        victim.assertMintingIsFaithful();
        List<String> forged = new ArrayList<>();
        forged.add(signedWith(keys.refreshTokenKey(), JWSAlgorithm.HS512, victim.access(), claims -> { }));
        forged.add(signedWith(keys.accessTokenKey(), JWSAlgorithm.HS256, victim.refresh(), claims -> { }));
        for (String genuine : victim.both()) {
            forged.add(signedWith(keys.pepper(), JWSAlgorithm.HS256, genuine, claims -> { }));
        }

        path.assertRefusesEach(server, victim.client(), forged);
        victim.assertUntouched();
    }

    // --- a token of the wrong kind ---------------------------------------------------------------

    /**
     * An access token is never a refresh token: the refresh grant refuses it on both endpoints.
     * Introspection does answer for a refresh token (RFC 7662 §2.1 covers both kinds), but as
     * {@code token_type} {@code refresh_token}, never {@code Bearer}; revocation decides the kind
     * from the token, not from {@code token_type_hint}, so an access token hinted as a refresh
     * token ends that access token only, not its family.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(TokenPath.class)
    void aTokenOfOneKindIsNeverTakenForTheOther(TokenPath path) {
        Victim victim = Victim.of(server);
        List<String> retyped = List.of(
                compact(edit(headerJson(victim.refresh()), h -> h.put("typ", "at+jwt")),
                        payloadJson(victim.refresh()), signature(victim.refresh())),
                compact(edit(headerJson(victim.access()), h -> h.put("typ", "rt+jwt")),
                        payloadJson(victim.access()), signature(victim.access())),
                compact(edit(headerJson(victim.refresh()), h -> h.put("typ", "JWT")),
                        payloadJson(victim.refresh()), signature(victim.refresh())),
                compact(edit(headerJson(victim.access()), h -> h.remove("typ")),
                        payloadJson(victim.access()), signature(victim.access())));
        path.assertRefusesEach(server, victim.client(), retyped);

        switch (path) {
            case REFRESH_GRANT_ON_TOKEN_ENDPOINT, REFRESH_ON_PIPELINE ->
                    path.assertRefused(path.present(server, victim.client(), victim.access()));
            case INTROSPECTION -> {
                JsonNode refresh = TestServer.json(path.present(server, victim.client(), victim.refresh()));
                assertThat(refresh.get("active").asBoolean()).isTrue();
                assertThat(refresh.get("token_type").asText()).isEqualTo("refresh_token");
                JsonNode access = TestServer.json(path.present(server, victim.client(), victim.access()));
                assertThat(access.get("token_type").asText()).isEqualTo("Bearer");
            }
            case REVOCATION -> {
                Tokens other = pipelineTokens(server, victim.client());
                HttpResponse<String> revoked = server.postForm(path.path, Map.of("token", other.accessToken(),
                        "token_type_hint", "refresh_token"), "Authorization", victim.client().basic());
                SafeAnswers.assertSafe(revoked);
                assertThat(revoked.statusCode()).isEqualTo(200);
                assertThat(isActive(server, other.accessToken())).as("the access token is revoked").isFalse();
                assertThat(isActive(server, other.refreshToken())).as("its family is not").isTrue();
                assertThat(OAuthRequests.pipelineRefresh(server, other.refreshToken()).statusCode()).isEqualTo(200);
            }
        }
        victim.assertUntouched();
    }

    // --- time -------------------------------------------------------------------------------------

    /**
     * SPEC §5, no leeway: valid at {@code exp} minus 1 ms, refused at {@code exp} plus 1 ms — the
     * access token, then the refresh token. Each time the clock then goes back 2 ms, where the
     * token must still be valid: presenting it expired consumed, revoked or changed nothing.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(TokenPath.class)
    void aTokenOneMillisecondPastItsExpiryIsRefused(TokenPath path) {
        Victim victim = Victim.of(server);
        Instant accessExpiry = expiry(victim.access());
        Instant refreshExpiry = expiry(victim.refresh());

        moveTo(server, accessExpiry.minusMillis(1));
        assertThat(isActive(server, victim.access())).as("active in its last millisecond").isTrue();
        moveTo(server, accessExpiry.plusMillis(1));
        path.assertRefused(path.present(server, victim.client(), victim.access()));
        moveTo(server, accessExpiry.minusMillis(1));
        assertThat(isActive(server, victim.access())).as("untouched by its refused presentation").isTrue();

        moveTo(server, refreshExpiry.minusMillis(1));
        assertThat(isActive(server, victim.refresh())).as("active in its last millisecond").isTrue();
        moveTo(server, refreshExpiry.plusMillis(1));
        path.assertRefused(path.present(server, victim.client(), victim.refresh()));
        moveTo(server, refreshExpiry.minusMillis(1));
        assertThat(isActive(server, victim.refresh())).as("untouched by its refused presentation").isTrue();
        assertThat(OAuthRequests.pipelineRefresh(server, victim.refresh()).statusCode())
                .as("and it still refreshes").isEqualTo(200);
        moveTo(server, refreshExpiry.plusMillis(1));
    }

    /** Without the key, moving {@code nbf}, {@code exp} or {@code iat} breaks the signature. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(TokenPath.class)
    void aTokenWhoseTimesWereEditedNoLongerVerifies(TokenPath path) {
        Victim victim = Victim.of(server);
        long now = server.clock().instant().getEpochSecond();
        List<String> forged = new ArrayList<>();
        for (String genuine : victim.both()) {
            List<Consumer<ObjectNode>> edits = List.of(
                    claims -> claims.put("nbf", now + 3600),
                    claims -> claims.put("nbf", now - 3600),
                    claims -> claims.put("exp", claims.get("exp").asLong() + 365L * 24 * 3600),
                    claims -> claims.put("exp", claims.get("exp").asLong() - 1),
                    claims -> claims.put("iat", now - 3600));
            for (Consumer<ObjectNode> change : edits) {
                forged.add(compact(headerJson(genuine), edit(payloadJson(genuine), change), signature(genuine)));
            }
        }

        path.assertRefusesEach(server, victim.client(), forged);
        victim.assertUntouched();
    }

    /** With the right key, {@code nbf} in the future is what refuses the token. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(TokenPath.class)
    void aCorrectlySignedTokenThatIsNotYetValidIsRefused(TokenPath path) {
        Victim victim = Victim.of(server);
        victim.assertMintingIsFaithful();
        long now = server.clock().instant().getEpochSecond();
        List<String> forged = new ArrayList<>();
        for (String genuine : victim.both()) {
            forged.add(minted(genuine, claims -> claims.put("nbf", now + 60)));
            forged.add(minted(genuine, claims -> claims.put("nbf", now + 1)));
        }

        path.assertRefusesEach(server, victim.client(), forged);
        victim.assertUntouched();
    }

    // --- another issuer -----------------------------------------------------------------------------

    /** Another Latchkey with issuer {@code http://other-es256} (so audience too): its tokens are not ours. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(TokenPath.class)
    void aTokenOfAnotherLatchkeyWithAnotherIssuerIsRefused(TokenPath path) {
        TestServer otherLatchkey = asymmetric(SigningAlgorithm.ES256);
        Victim ours = Victim.of(server);
        Victim theirs = Victim.of(otherLatchkey);
        assertThat(isActive(otherLatchkey, theirs.access())).as("valid where it was issued").isTrue();

        path.assertRefusesEach(server, ours.client(), theirs.both());
        ours.assertUntouched();
        theirs.assertUntouched();
    }

    /** With the right key, {@code iss} is what refuses the token. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(TokenPath.class)
    void aCorrectlySignedTokenNamingAnotherIssuerIsRefused(TokenPath path) {
        Victim victim = Victim.of(server);
        victim.assertMintingIsFaithful();
        List<String> forged = new ArrayList<>();
        for (String genuine : victim.both()) {
            forged.add(minted(genuine, claims -> claims.put("iss", OTHER_ISSUER).put("aud", OTHER_ISSUER)));
            forged.add(minted(genuine, claims -> claims.put("iss", server.issuer() + "/")));
            forged.add(minted(genuine, claims -> claims.remove("iss")));
            forged.add(minted(genuine, claims -> claims.putArray("iss").add(server.issuer())));
        }

        path.assertRefusesEach(server, victim.client(), forged);
        victim.assertUntouched();
    }

    /**
     * With the right key, a token whose claims are missing or contradict each other (a
     * {@code sub} that is not the {@code client_id}, no {@code exp}, no {@code jti}, no family,
     * claims of the wrong JSON type) is refused.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(TokenPath.class)
    void aCorrectlySignedTokenWithMissingOrContradictoryClaimsIsRefused(TokenPath path) {
        Victim victim = Victim.of(server);
        Victim bystander = Victim.of(server);
        victim.assertMintingIsFaithful();
        List<String> forged = new ArrayList<>();
        for (String genuine : victim.both()) {
            forged.add(minted(genuine, claims -> claims.put("sub", bystander.client().clientId())));
            forged.add(minted(genuine, claims -> claims.put("client_id", bystander.client().clientId())));
            for (String required : List.of("exp", "iat", "jti", "fid", "client_id", "sub")) {
                forged.add(minted(genuine, claims -> claims.remove(required)));
            }
            forged.add(minted(genuine, claims -> claims.put("exp", String.valueOf(claims.get("exp").asLong()))));
            forged.add(minted(genuine, claims -> claims.put("exp", "never")));
            forged.add(minted(genuine, claims -> claims.put("client_id", 42)));
            forged.add(minted(genuine, claims -> claims.putArray("sub").add(claims.get("sub").asText())));
            forged.add(minted(genuine, claims -> claims.put("scope", "orders:read \u0000admin")));
        }

        path.assertRefusesEach(server, victim.client(), forged);
        victim.assertUntouched();
        bystander.assertUntouched();
    }

    // --- malformed ------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @EnumSource(TokenPath.class)
    void aTruncatedTokenIsRefused(TokenPath path) {
        Victim victim = Victim.of(server);
        List<String> forged = new ArrayList<>();
        for (String genuine : victim.both()) {
            String[] segments = TokenForgery.segments(genuine);
            forged.add(genuine.substring(0, genuine.length() - 1));
            forged.add(genuine.substring(0, genuine.length() - 10));
            forged.add(segments[0] + "." + segments[1] + ".");
            forged.add(segments[0] + "." + segments[1]);
            forged.add(segments[0]);
            forged.add(segments[0] + "." + segments[1].substring(0, segments[1].length() / 2) + "." + segments[2]);
            forged.add(segments[0].substring(1) + "." + segments[1] + "." + segments[2]);
            forged.add(genuine.substring(0, genuine.length() / 2));
            forged.add(genuine.substring(1));
        }

        path.assertRefusesEach(server, victim.client(), forged);
        victim.assertUntouched();
    }

    /**
     * About 1 MiB: the body limit (16 KiB) answers 413 {@code request_too_large} before anything
     * parses it. Between the verifier's own cap (8 KiB) and the body limit, the path's usual refusal.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(TokenPath.class)
    void anOversizedTokenIsRefusedWith413AndALongOneAsInvalid(TokenPath path) {
        Victim victim = Victim.of(server);
        String huge = victim.refresh() + "A".repeat(1024 * 1024);
        path.assertTooLarge(path.present(server, victim.client(), huge));

        String[] segments = TokenForgery.segments(victim.refresh());
        String paddedHeader = edit(headerJson(victim.refresh()), h -> h.put("pad", "p".repeat(9 * 1024)));
        List<String> long9KiB = List.of(
                victim.refresh() + "A".repeat(9 * 1024),
                compact(paddedHeader, payloadJson(victim.refresh()), segments[2]),
                signedWith(keys.refreshTokenKey(), JWSAlgorithm.HS512, victim.refresh(), claims -> { },
                        paddedHeader));
        path.assertRefusesEach(server, victim.client(), long9KiB);
        victim.assertUntouched();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TokenPath.class)
    void aTokenWithSegmentsThatAreNotBase64UrlIsRefused(TokenPath path) {
        Victim victim = Victim.of(server);
        List<String> forged = new ArrayList<>(List.of(
                "!!!.@@@.###", ".", "..", "...", " ", "a.b.c", "eyJ.eyJ.eyJ", "\u00e9\u00e9.\u00e9\u00e9.\u00e9",
                "\u0000.\u0000.\u0000", "eyJhbGciOiJIUzI1NiJ9\u3002eyJzdWIiOiJ4In0\u3002c2ln",
                encodeRaw("[]") + "." + encodeRaw("{}") + ".c2ln",
                encodeRaw("\"HS256\"") + "." + encodeRaw("{}") + ".c2ln",
                encodeRaw("{\"alg\":\"HS256\"}") + "." + encodeRaw("not json") + ".c2ln",
                encodeRaw("{\"alg\":\"HS256\"") + "." + encodeRaw("{}") + ".c2ln",
                encodeRaw("{\"alg\":\"HS256\"}") + "." + Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF}) + ".c2ln"));
        for (String genuine : victim.both()) {
            String[] segments = TokenForgery.segments(genuine);
            forged.add(genuine + ".");
            forged.add(genuine + "." + segments[2]);
            forged.add(segments[0] + "." + segments[1] + "." + segments[2] + "." + segments[2] + "." + segments[2]);
            forged.add(segments[0] + "==." + segments[1] + "." + segments[2]);
            forged.add(segments[0] + "." + segments[1] + "." + segments[2] + "==");
            forged.add(standardAlphabet(segments[0]) + "+/." + segments[1] + "." + segments[2]);
            forged.add(segments[0] + "." + segments[1] + "." + segments[2].substring(0, 5) + "!"
                    + segments[2].substring(5));
            forged.add(segments[0] + "." + segments[1] + "." + segments[2].substring(0, 5) + " "
                    + segments[2].substring(5));
            forged.add(segments[0] + "." + segments[1] + "." + segments[2].substring(0, 5) + "\n"
                    + segments[2].substring(5));
            forged.add(segments[0] + "." + segments[1].substring(0, 4) + "*" + segments[1].substring(4) + "."
                    + segments[2]);
            forged.add(segments[0] + "%2E" + segments[1] + "%2E" + segments[2]);
            forged.add(" " + genuine);
            forged.add("Bearer " + genuine);
        }

        path.assertRefusesEach(server, victim.client(), forged);
        victim.assertUntouched();
    }

    /**
     * A JSON key given twice in the header or the payload: two parsers that resolve it differently
     * disagree about what the token says. Refused whether the signature was kept (and so broken)
     * or made again with the right key over the duplicated bytes.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(TokenPath.class)
    void aTokenWithADuplicatedJsonKeyIsRefused(TokenPath path) {
        Victim victim = Victim.of(server);
        Victim bystander = Victim.of(server);
        victim.assertMintingIsFaithful();
        String other = bystander.client().clientId();
        List<String> forged = new ArrayList<>();
        for (String genuine : victim.both()) {
            String header = headerJson(genuine);
            String payload = payloadJson(genuine);
            String alg = TokenForgery.parse(header).get("alg").asText();
            String otherAlg = alg.equals("HS256") ? "HS512" : "HS256";
            List<String> headers = List.of(
                    withDuplicateAtEnd(header, "alg", "none"),
                    withDuplicateAtStart(header, "alg", "none"),
                    withDuplicateAtEnd(header, "alg", otherAlg),
                    withDuplicateAtEnd(header, "alg", alg),
                    withDuplicateAtEnd(header, "typ", "JWT"),
                    withDuplicateAtEnd(header, "kid", "unknown"));
            List<String> payloads = List.of(
                    withDuplicateAtEnd(payload, "sub", other),
                    withDuplicateAtStart(payload, "sub", other),
                    withDuplicateAtEnd(withDuplicateAtEnd(payload, "sub", other), "client_id", other),
                    withDuplicateAtEnd(payload, "exp", Long.MAX_VALUE / 1000),
                    withDuplicateAtEnd(payload, "jti", UUID.randomUUID().toString()),
                    withDuplicateAtEnd(payload, "sub", TokenForgery.parse(payload).get("sub").asText()));
            JWSAlgorithm jws = JWSAlgorithm.parse(alg);
            JWK key = alg.equals("HS512") ? keys.refreshTokenKey() : keys.accessTokenKey();
            for (String duplicated : headers) {
                forged.add(compact(duplicated, payload, signature(genuine)));
                forged.add(signed(key, jws, duplicated, payload));
            }
            for (String duplicated : payloads) {
                forged.add(compact(header, duplicated, signature(genuine)));
                forged.add(signed(key, jws, header, duplicated));
            }
        }

        path.assertRefusesEach(server, victim.client(), forged);
        victim.assertUntouched();
        bystander.assertUntouched();
    }

    // --- a deleted client -------------------------------------------------------------------------

    /**
     * SPEC §5: deletion takes effect at once. The deleted client cannot authenticate (401
     * {@code invalid_client}) on the paths that need it; its tokens are refused everywhere; and
     * another client revoking them (200) changes nothing of its own.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(TokenPath.class)
    void aValidTokenOfADeletedClientIsRefused(TokenPath path) {
        Victim deleted = Victim.of(server);
        Victim bystander = Victim.of(server);
        assertThat(server.admin("DELETE", "/admin/clients/" + deleted.client().clientId(), null).statusCode())
                .isEqualTo(200);

        switch (path) {
            case REFRESH_GRANT_ON_TOKEN_ENDPOINT, REVOCATION -> {
                for (String token : deleted.both()) {
                    TokenPath.assertOAuthError(path.present(server, deleted.client(), token), 401, "invalid_client");
                }
                path.assertRefusesEach(server, bystander.client(), deleted.both());
            }
            case REFRESH_ON_PIPELINE, INTROSPECTION -> path.assertRefusesEach(server, deleted.client(), deleted.both());
        }
        bystander.assertUntouched();
    }

    // --- helpers --------------------------------------------------------------------------------

    /** Forgeries naming each of {@code kids}: the signature kept, and made again with the right key. */
    private static void assertKidsRefused(TokenPath path, List<String> kids) {
        Victim victim = Victim.of(server);
        victim.assertMintingIsFaithful();
        List<String> forged = new ArrayList<>();
        for (String genuine : victim.both()) {
            String alg = TokenForgery.parse(headerJson(genuine)).get("alg").asText();
            JWK rightKey = alg.equals("HS512") ? keys.refreshTokenKey() : keys.accessTokenKey();
            for (String kid : kids) {
                String header = edit(headerJson(genuine), h -> h.put("kid", kid));
                forged.add(compact(header, payloadJson(genuine), signature(genuine)));
                forged.add(signed(rightKey, JWSAlgorithm.parse(alg), header, payloadJson(genuine)));
            }
        }
        path.assertRefusesEach(server, victim.client(), forged);
        victim.assertUntouched();
    }

    /** {@code genuine} with its claims edited, signed again with the server's own key for its kind. */
    private static String minted(String genuine, Consumer<ObjectNode> change) {
        String alg = TokenForgery.parse(headerJson(genuine)).get("alg").asText();
        JWK key = alg.equals("HS512") ? keys.refreshTokenKey() : keys.accessTokenKey();
        return signedWith(key, JWSAlgorithm.parse(alg), genuine, change);
    }

    private static String signedWith(JWK key, JWSAlgorithm algorithm, String genuine, Consumer<ObjectNode> change) {
        String header = edit(headerJson(genuine), h -> h.put("alg", algorithm.getName()).put("kid", key.getKeyID()));
        return signedWith(key, algorithm, genuine, change, header);
    }

    private static String signedWith(JWK key, JWSAlgorithm algorithm, String genuine, Consumer<ObjectNode> change,
                                     String header) {
        return signed(key, algorithm, header, edit(payloadJson(genuine), change));
    }

    private static Instant expiry(String token) {
        return Instant.ofEpochSecond(TokenForgery.parse(payloadJson(token)).get("exp").asLong());
    }

    private static void moveTo(TestServer on, Instant instant) {
        on.clock().advance(Duration.between(on.clock().instant(), instant));
    }

    private static String encodeRaw(String text) {
        return TokenForgery.encode(text);
    }

    /** The same bytes in base64 with the standard alphabet ({@code +/}) instead of base64url's ({@code -_}). */
    private static String standardAlphabet(String base64url) {
        return base64url.replace('-', '+').replace('_', '/');
    }

    private static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** A fresh client and its genuine tokens, which the forgeries of a test are made from. */
    private record Victim(TestServer on, Credentials client, Tokens tokens) {
        static Victim of(TestServer on) {
            Credentials client = on.createClient("Victim", "orders:read");
            return new Victim(on, client, pipelineTokens(on, client));
        }

        String access() {
            return tokens.accessToken();
        }

        String refresh() {
            return tokens.refreshToken();
        }

        List<String> both() {
            return List.of(access(), refresh());
        }

        /** A token minted with the stored keys and genuine claims (and a new jti) is accepted: the forger is faithful. */
        void assertMintingIsFaithful() {
            for (String genuine : both()) {
                String copy = minted(genuine, claims -> claims.put("jti", UUID.randomUUID().toString()));
                JsonNode answer = introspect(on, copy);
                assertThat(answer.get("active").asBoolean()).as("a faithfully minted copy is active: %s", answer)
                        .isTrue();
            }
        }

        /** Nothing reached the genuine tokens: both still active, and the refresh token still refreshes. */
        void assertUntouched() {
            JsonNode access = introspect(on, access());
            assertThat(access.get("active").asBoolean()).as("the genuine access token is still active").isTrue();
            assertThat(access.get("token_type").asText()).isEqualTo("Bearer");
            assertThat(isActive(on, refresh())).as("the genuine refresh token is still active").isTrue();
            HttpResponse<String> refreshed = on.postForm("/oauth2/token",
                    Map.of("grant_type", "refresh_token", "refresh_token", refresh()), "Authorization", client.basic());
            assertThat(refreshed.statusCode()).as("the genuine refresh token still refreshes: %s", refreshed.body())
                    .isEqualTo(200);
        }
    }
}
