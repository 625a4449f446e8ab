package io.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import io.latchkey.client.TokenRejectedException.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The verifier on HS256 tokens of a real Latchkey, with the shared key fetched from
 * {@code /admin/keys/access-token} with a {@code verifier} API key, as an API holds one. Each rejection case has its own test; forged tokens are a real
 * token's claims changed and signed again with the real key, so only the one thing differs.
 */
class TokenVerifierTest {
    private static Latchkey latchkey;
    private static Latchkey.Client client;
    private static String verifierKey;

    private CountingHttpClient http;
    private TokenVerifier verifier;

    @BeforeAll
    static void start() {
        latchkey = Latchkey.start();
        client = latchkey.createClient("TestSystem", "orders:read");
        verifierKey = latchkey.createVerifierKey();
    }

    @AfterAll
    static void stop() {
        latchkey.close();
    }

    @BeforeEach
    void newVerifier() {
        http = new CountingHttpClient();
        verifier = verifierBuilder().build();
    }

    @org.junit.jupiter.api.AfterEach
    void stopFollowingTheFeed() {
        verifier.close();
    }

    private TokenVerifier.Builder verifierBuilder() {
        return TokenVerifier.builder(latchkey.url()).issuer(latchkey.issuer())
                .sharedKeysFromServer(verifierKey).clock(latchkey.clock()).httpClient(http);
    }

    private static ThrowingCallable verifying(TokenVerifier verifier, String token) {
        return () -> verifier.verify(token);
    }

    private static void assertRejected(ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TokenRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void anAccessTokenAsTheServerIssuesItIsAcceptedAndSaysWhoItSpeaksFor() throws Exception {
        Map<String, Object> response = latchkey.token(client);
        Instant issuedAt = latchkey.clock().instant();

        TokenPrincipal principal = verifier.verify((String) response.get("access_token"));

        assertThat(principal.clientId()).isEqualTo(client.id()).isEqualTo(principal.getName());
        assertThat(principal.partnerId()).isEqualTo("TestSystem");
        assertThat(principal.scopes()).containsExactly("orders:read");
        assertThat(principal.expiresAt()).isBetween(issuedAt.plus(Duration.ofMinutes(59)), issuedAt.plus(Duration.ofHours(1)));
    }

    @Test
    void anExpiredTokenIsRejected() {
        String token = latchkey.accessToken(client);

        latchkey.clock().advance(Duration.ofHours(1).plusSeconds(31)); // past exp and the 30 s skew

        assertRejected(verifying(verifier, token), Reason.EXPIRED);
    }

    @Test
    void aTokenJustPastExpiryIsStillAcceptedWithinTheClockSkew() throws Exception {
        String token = latchkey.accessToken(client);

        latchkey.clock().advance(Duration.ofHours(1).plusSeconds(10));

        assertThat(verifier.verify(token).clientId()).isEqualTo(client.id());
    }

    @Test
    void aTokenNotValidBeforeALaterTimeIsRejected() {
        String real = latchkey.accessToken(client);
        String token = Tokens.resign(real, Tokens.sharedKeyOf(latchkey, real),
                claims -> claims.put("nbf", latchkey.clock().instant().plusSeconds(300).getEpochSecond()));

        assertRejected(verifying(verifier, token), Reason.NOT_YET_VALID);
    }

    @Test
    void aTokenIssuedAheadOfThisClockBeyondTheSkewIsRejected() {
        String real = latchkey.accessToken(client);
        String token = Tokens.resign(real, Tokens.sharedKeyOf(latchkey, real),
                claims -> claims.put("iat", latchkey.clock().instant().plusSeconds(300).getEpochSecond()));

        assertRejected(verifying(verifier, token), Reason.NOT_YET_VALID);
    }

    @Test
    void aTokenOfAnotherIssuerIsRejected() {
        String real = latchkey.accessToken(client);
        String token = Tokens.resign(real, Tokens.sharedKeyOf(latchkey, real),
                claims -> claims.put("iss", "https://evil.example"));

        assertRejected(verifying(verifier, token), Reason.WRONG_ISSUER);
    }

    @Test
    void aTokenForAnotherAudienceIsRejected() {
        TokenVerifier billing = verifierBuilder().audience("https://billing.example").build();

        assertRejected(verifying(billing, latchkey.accessToken(client)), Reason.WRONG_AUDIENCE);
    }

    @Test
    void aRefreshTokenIsNeverAcceptedAsAnAccessToken() {
        String refreshToken = (String) latchkey.token(client).get("refresh_token");

        assertRejected(verifying(verifier, refreshToken), Reason.WRONG_TYPE);
    }

    @Test
    void aSignedJwtOfAnotherTypeIsRejected() {
        String real = latchkey.accessToken(client);
        OctetSequenceKey key = Tokens.sharedKeyOf(latchkey, real);
        String token = Tokens.resign(real, key, key.getKeyID(), "JWT", claims -> { });

        assertRejected(verifying(verifier, token), Reason.WRONG_TYPE);
    }

    @Test
    void aTokenWithoutARequiredScopeIsRejectedWith403AndTheScopeNamed() {
        TokenVerifier writes = verifierBuilder().requiredScopes("orders:write").build();

        assertThatThrownBy(verifying(writes, latchkey.accessToken(client)))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.INSUFFICIENT_SCOPE);
                    assertThat(e.httpStatus()).isEqualTo(403);
                    assertThat(e.wwwAuthenticate("orders")).isEqualTo("Bearer realm=\"orders\", "
                            + "error=\"insufficient_scope\", error_description=\"The token lacks a scope this "
                            + "resource requires.\", scope=\"orders:write\"");
                });
    }

    @Test
    void scopesRequiredPerCallAddToTheVerifiersOwn() throws Exception {
        String token = latchkey.accessToken(client);

        assertThat(verifier.verify(token, List.of("orders:read")).scopes()).contains("orders:read");
        assertRejected(() -> verifier.verify(token, List.of("orders:delete")), Reason.INSUFFICIENT_SCOPE);
    }

    @Test
    void aChangedPayloadUnderTheOriginalSignatureIsRejected() {
        String token = Tokens.tampered(latchkey.accessToken(client), claims -> claims.put("scope", "orders:read admin"));

        assertRejected(verifying(verifier, token), Reason.BAD_SIGNATURE);
    }

    @Test
    void aTokenSignedWithAnotherSecretUnderTheRightKidIsRejected() throws Exception {
        String real = latchkey.accessToken(client);
        OctetSequenceKey impostor = new OctetSequenceKeyGenerator(256).generate();
        String token = Tokens.resign(real, impostor, Tokens.sharedKeyOf(latchkey, real).getKeyID(), "at+jwt",
                claims -> { });

        assertRejected(verifying(verifier, token), Reason.BAD_SIGNATURE);
    }

    @Test
    void anUnsecuredTokenWithAlgNoneIsRejected() {
        String real = latchkey.accessToken(client);
        String token = Tokens.unsigned(real, Map.of("alg", "none", "typ", "at+jwt",
                "kid", Tokens.sharedKeyOf(latchkey, real).getKeyID()));

        assertRejected(verifying(verifier, token), Reason.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void anUnknownKidIsRejectedAfterOneRefetchAndRefetchedAtMostOncePerInterval() throws Exception {
        String real = latchkey.accessToken(client);
        verifier.verify(real);
        assertThat(http.count("/admin/keys/access-token")).isEqualTo(1);
        String token = Tokens.resign(real, new OctetSequenceKeyGenerator(256).generate(), "no-such-key", "at+jwt",
                claims -> { });

        assertRejected(verifying(verifier, token), Reason.UNKNOWN_KEY);
        assertThat(http.count("/admin/keys/access-token")).isEqualTo(2);

        assertRejected(verifying(verifier, token), Reason.UNKNOWN_KEY);
        assertThat(http.count("/admin/keys/access-token")).isEqualTo(2); // within the 30 s interval

        latchkey.clock().advance(Duration.ofSeconds(31));
        assertRejected(verifying(verifier, token), Reason.UNKNOWN_KEY);
        assertThat(http.count("/admin/keys/access-token")).isEqualTo(3);
    }

    @Test
    void afterAKeyRotationNewTokensAreAcceptedAfterOneRefetchAndOldOnesStillAre() throws Exception {
        String before = latchkey.accessToken(client);
        verifier.verify(before);

        latchkey.rotateKeys();
        String after = latchkey.accessToken(client);

        assertThat(verifier.verify(after).clientId()).isEqualTo(client.id());
        assertThat(verifier.verify(before).clientId()).isEqualTo(client.id());
        assertThat(http.count("/admin/keys/access-token")).isEqualTo(2);
    }

    @Test
    void whatIsNotACompactJwsIsMalformed() {
        for (String token : List.of("abc", "a.b", "a.b.c.d", "!!!.???.###", "eyJhbGciOiJIUzI1NiJ9.e30")) {
            assertRejected(verifying(verifier, token), Reason.MALFORMED);
        }
        assertRejected(verifying(verifier, "x".repeat(9000) + ".a.b"), Reason.MALFORMED);
    }

    @Test
    void theAuthorizationHeaderIsReadAsRfc6750Says() throws Exception {
        String token = latchkey.accessToken(client);

        assertThat(verifier.verifyAuthorization("Bearer " + token).clientId()).isEqualTo(client.id());
        assertThat(verifier.verifyAuthorization("bearer " + token).clientId()).isEqualTo(client.id());
        assertRejected(() -> verifier.verifyAuthorization(null), Reason.MISSING_TOKEN);
        assertRejected(() -> verifier.verifyAuthorization("Basic " + client.basic()), Reason.MISSING_TOKEN);
        assertRejected(() -> verifier.verifyAuthorization("Bearer "), Reason.MALFORMED);
    }

    @Test
    void theChallengeOfAnInvalidTokenNamesTheErrorAndOfAMissingOneDoesNot() {
        assertThat(new TokenRejectedException(Reason.EXPIRED).wwwAuthenticate("orders")).isEqualTo(
                "Bearer realm=\"orders\", error=\"invalid_token\", error_description=\"The token has expired.\"");
        assertThat(new TokenRejectedException(Reason.MISSING_TOKEN).wwwAuthenticate("orders"))
                .isEqualTo("Bearer realm=\"orders\"");
    }

    @Test
    void aConfiguredSharedKeyVerifiesWithoutAskingTheServer() throws Exception {
        String token = latchkey.accessToken(client);
        byte[] secret = Tokens.sharedKeyOf(latchkey, token).toByteArray();
        CountingHttpClient offlineHttp = new CountingHttpClient();
        TokenVerifier offline = TokenVerifier.builder(latchkey.url()).issuer(latchkey.issuer())
                .sharedKey(secret).clock(latchkey.clock()).httpClient(offlineHttp).build();

        assertThat(offline.verify(token).scopes()).isEqualTo(Set.of("orders:read"));
        assertThat(offlineHttp.total()).isZero();
    }

    @Test
    void toStringShowsNoKey() {
        assertThat(verifier.toString()).doesNotContain(verifierKey);
    }
}
