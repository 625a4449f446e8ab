package io.latchkey.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.latchkey.core.client.Client;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.Scopes;
import io.latchkey.core.key.KeyPurpose;
import io.latchkey.core.key.KeySealer;
import io.latchkey.core.key.KeyService;
import io.latchkey.core.key.MemoryKeyStore;
import io.latchkey.core.key.SigningAlgorithm;
import io.latchkey.core.key.SigningKey;
import io.latchkey.core.secret.SecretGenerator;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The tokens {@link TokenIssuer} composes itself are the tokens Nimbus's object model would have
 * made from the same claims: byte for byte where the signature is deterministic, and in every
 * algorithm parsed and verified by Nimbus with the published key.
 */
class CompactJwtTest {
    private static final String ISSUER = "https://auth.example.com";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T01:02:03Z"), ZoneOffset.UTC);

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void everyAlgorithmsTokensVerifyWithNimbusAndCarryTheClaims(SigningAlgorithm algorithm) throws Exception {
        Fixture fixture = new Fixture(algorithm, List.of("https://api.example.com", "https://orders.example.com"));
        Client client = fixture.client("Partner \"Ünïcode\" <&> \\ / \u2028", Scopes.of(List.of("orders:read", "orders:write")));

        IssuedTokens tokens = fixture.issuer.issueNewFamily(client, client.scopes());

        for (TokenKind kind : TokenKind.values()) {
            String token = kind == TokenKind.ACCESS ? tokens.accessToken() : tokens.refreshToken();
            SignedJWT parsed = SignedJWT.parse(token);
            SigningKey key = fixture.keys.ring().current(kind.keyPurpose());
            // Refresh tokens are always HMAC: only this server verifies them.
            assertThat(parsed.getHeader().getAlgorithm()).isEqualTo(
                    kind == TokenKind.ACCESS ? algorithm.jws() : key.algorithm().jws());
            assertThat(parsed.getHeader().getType()).isEqualTo(kind.type());
            assertThat(parsed.getHeader().getKeyID()).isEqualTo(key.kid());
            assertThat(parsed.verify(nimbusVerifier(key.verificationJwk()))).isTrue();

            JWTClaimsSet claims = parsed.getJWTClaimsSet();
            assertThat(claims.getIssuer()).isEqualTo(ISSUER);
            assertThat(claims.getSubject()).isEqualTo(client.id().value());
            assertThat(claims.getAudience()).isEqualTo(kind == TokenKind.ACCESS
                    ? List.of("https://api.example.com", "https://orders.example.com") : List.of(ISSUER));
            assertThat(claims.getIssueTime()).isEqualTo(Date.from(CLOCK.instant()));
            assertThat(claims.getExpirationTime()).isEqualTo(Date.from(CLOCK.instant().plus(
                    kind == TokenKind.ACCESS ? Duration.ofMinutes(15) : Duration.ofDays(30))));
            assertThat(claims.getJWTID()).isNotBlank();
            assertThat(claims.getStringClaim(TokenIssuer.CLAIM_CLIENT_ID)).isEqualTo(client.id().value());
            assertThat(claims.getStringClaim(TokenIssuer.CLAIM_SCOPE)).isEqualTo("orders:read orders:write");
            assertThat(claims.getStringClaim(TokenIssuer.CLAIM_PARTNER_ID)).isEqualTo(client.partnerId());
            assertThat(claims.getStringClaim(TokenIssuer.CLAIM_FAMILY_ID)).isNotBlank();
        }
    }

    @Test
    void aTokenHasTheHeaderAndClaimsNimbusWouldHaveWritten() throws Exception {
        Fixture fixture = new Fixture(SigningAlgorithm.HS256, List.of("https://api.example.com"));
        Client client = fixture.client("TestSystem", Scopes.NONE);

        String token = fixture.issuer.issueNewFamily(client, Scopes.NONE).accessToken();

        JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
        assertThat(claims.getClaims()).doesNotContainKey(TokenIssuer.CLAIM_SCOPE);
        SigningKey key = fixture.keys.ring().current(KeyPurpose.ACCESS_TOKEN);
        SignedJWT nimbus = new SignedJWT(new JWSHeader.Builder(key.algorithm().jws())
                .type(TokenKind.ACCESS.type()).keyID(key.kid()).build(),
                new JWTClaimsSet.Builder()
                        .issuer(ISSUER)
                        .subject(client.id().value())
                        .audience(List.of("https://api.example.com"))
                        .issueTime(Date.from(CLOCK.instant()))
                        .expirationTime(Date.from(CLOCK.instant().plus(Duration.ofMinutes(15))))
                        .jwtID(claims.getJWTID())
                        .claim(TokenIssuer.CLAIM_CLIENT_ID, client.id().value())
                        .claim(TokenIssuer.CLAIM_SCOPE, null)
                        .claim(TokenIssuer.CLAIM_PARTNER_ID, client.partnerId())
                        .claim(TokenIssuer.CLAIM_FAMILY_ID, claims.getStringClaim(TokenIssuer.CLAIM_FAMILY_ID))
                        .build());
        nimbus.sign(key.signer());
        String[] ours = token.split("\\.");
        String[] theirs = nimbus.serialize().split("\\.");
        assertThat(ours[0]).isEqualTo(theirs[0]);
        // Nimbus writes claims in hash order, Jackson in the issuer's: the same JSON object.
        assertThat(claims.toJSONObject()).isEqualTo(nimbus.getJWTClaimsSet().toJSONObject());
    }

    @Test
    void aRotatedKeySignsTheNextToken() throws Exception {
        Fixture fixture = new Fixture(SigningAlgorithm.HS256, List.of("https://api.example.com"));
        Client client = fixture.client("TestSystem", Scopes.NONE);
        String before = SignedJWT.parse(fixture.issuer.issueNewFamily(client, Scopes.NONE).accessToken())
                .getHeader().getKeyID();

        fixture.keys.rotate();

        String after = SignedJWT.parse(fixture.issuer.issueNewFamily(client, Scopes.NONE).accessToken())
                .getHeader().getKeyID();
        assertThat(after).isNotEqualTo(before)
                .isEqualTo(fixture.keys.ring().current(KeyPurpose.ACCESS_TOKEN).kid());
    }

    /** Nimbus's own verifier for the key a receiver would be given. */
    private static JWSVerifier nimbusVerifier(JWK jwk) throws Exception {
        if (jwk instanceof OctetSequenceKey secret) {
            return new MACVerifier(secret);
        }
        if (jwk instanceof ECKey ec) {
            return new ECDSAVerifier(ec);
        }
        if (jwk instanceof RSAKey rsa) {
            return new RSASSAVerifier(rsa);
        }
        if (jwk instanceof OctetKeyPair okp) {
            return new Ed25519Verifier(okp);
        }
        throw new AssertionError("no verifier for " + jwk.getKeyType());
    }

    private static final class Fixture {
        final KeyService keys;
        final TokenIssuer issuer;
        final SecretGenerator ids;

        Fixture(SigningAlgorithm algorithm, List<String> audience) {
            SecureRandom random = new SecureRandom();
            byte[] masterKey = new byte[32];
            random.nextBytes(masterKey);
            this.keys = new KeyService(new MemoryKeyStore(), new KeySealer(masterKey), random, CLOCK, algorithm,
                    Duration.ofMinutes(15), Duration.ofDays(30));
            keys.load();
            this.ids = new SecretGenerator(random);
            this.issuer = new TokenIssuer(keys, new TokenSettings(ISSUER, audience, Duration.ofMinutes(15),
                    Duration.ofDays(30)), ids, CLOCK);
        }

        Client client(String partnerId, Scopes scopes) {
            return new Client(new ClientId(ids.id()), partnerId, null, scopes, "not-used", null, null, CLOCK.instant());
        }
    }
}
