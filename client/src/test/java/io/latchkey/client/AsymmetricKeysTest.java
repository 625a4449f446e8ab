package io.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import io.latchkey.client.TokenRejectedException.Reason;
import io.latchkey.core.key.SigningAlgorithm;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The verifier with public keys from the server's JWKS (metadata → {@code jwks_uri}). */
class AsymmetricKeysTest {
    private static Latchkey latchkey;
    private static Latchkey.Client client;

    @BeforeAll
    static void start() {
        latchkey = Latchkey.start(SigningAlgorithm.ES256);
        client = latchkey.createClient("TestSystem");
    }

    @AfterAll
    static void stop() {
        latchkey.close();
    }

    private static TokenVerifier verifier(Latchkey server, CountingHttpClient http) {
        return TokenVerifier.builder(server.url()).issuer(server.issuer()).clock(server.clock()).httpClient(http).build();
    }

    @Test
    void es256TokensVerifyWithTheKeysOfTheJwksNamedByTheMetadata() throws Exception {
        CountingHttpClient http = new CountingHttpClient();
        TokenVerifier verifier = verifier(latchkey, http);

        assertThat(verifier.verify(latchkey.accessToken(client)).clientId()).isEqualTo(client.id());
        assertThat(verifier.verify(latchkey.accessToken(client)).clientId()).isEqualTo(client.id());
        assertThat(http.count("/.well-known/oauth-authorization-server")).isEqualTo(1);
        assertThat(http.count("/oauth2/jwks")).isEqualTo(1);
    }

    @Test
    void afterAKeyRotationTheJwksIsFetchedOnceMoreAndBothKeysVerify() throws Exception {
        CountingHttpClient http = new CountingHttpClient();
        TokenVerifier verifier = verifier(latchkey, http);
        String before = latchkey.accessToken(client);
        verifier.verify(before);

        latchkey.rotateKeys();
        String after = latchkey.accessToken(client);

        assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isNotEqualTo(SignedJWT.parse(before).getHeader().getKeyID());
        assertThat(verifier.verify(after).clientId()).isEqualTo(client.id());
        assertThat(verifier.verify(before).clientId()).isEqualTo(client.id());
        assertThat(http.count("/oauth2/jwks")).isEqualTo(2);
    }

    @Test
    void anHs256TokenMacedWithThePublicKeyIsRejectedNotTakenForAnHmac() throws Exception {
        String real = latchkey.accessToken(client);
        String kid = SignedJWT.parse(real).getHeader().getKeyID();
        ECKey publicKey = (ECKey) JWKSet.parse(latchkey.accessTokenKeys()).getKeyByKeyId(kid);
        OctetSequenceKey publicKeyAsSecret = new OctetSequenceKey.Builder(
                Base64URL.encode(publicKey.toJSONString().getBytes(StandardCharsets.UTF_8))).build();
        String forged = Tokens.resign(real, publicKeyAsSecret, kid, "at+jwt", claims -> { });

        assertThatThrownBy(() -> verifier(latchkey, new CountingHttpClient()).verify(forged))
                .isInstanceOfSatisfying(TokenRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_ALGORITHM));
    }

    @Test
    void aJwksThatCannotBeReachedRefusesTokensAsUnavailable() {
        TokenVerifier verifier = TokenVerifier.builder(java.net.URI.create("http://127.0.0.1:9"))
                .issuer(latchkey.issuer()).clock(latchkey.clock()).build();

        assertThatThrownBy(() -> verifier.verify(latchkey.accessToken(client)))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
                    assertThat(e.httpStatus()).isEqualTo(503);
                });
    }

    @ParameterizedTest
    @EnumSource(value = SigningAlgorithm.class, names = {"RS256", "EdDSA"})
    void tokensOfEveryAsymmetricAlgorithmTheServerSignsWithVerify(SigningAlgorithm algorithm) throws Exception {
        try (Latchkey server = Latchkey.start(algorithm)) {
            Latchkey.Client partner = server.createClient("TestSystem", "orders:read");
            String token = server.accessToken(partner);

            TokenPrincipal principal = verifier(server, new CountingHttpClient()).verify(token);

            assertThat(SignedJWT.parse(token).getHeader().getAlgorithm().getName()).isEqualTo(algorithm.name());
            assertThat(principal.scopes()).containsExactly("orders:read");
        }
    }
}
