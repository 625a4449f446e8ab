package io.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TokenSource.Builder#privateKeyJwt}: a client without a secret gets tokens from a real
 * Latchkey with assertions signed by a JDK private key, one new assertion per token request (the
 * server accepts each {@code jti} once), for every algorithm the server accepts.
 */
class PrivateKeyJwtTokenSourceTest {
    private static Latchkey latchkey;

    /**
     * The assertion's {@code aud} is the URL the source sends it to, so the server's issuer is
     * that URL's origin here, as it is in production (the other tests reach a server whose
     * issuer says {@code localhost} at {@code 127.0.0.1}).
     */
    @BeforeAll
    static void start() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        latchkey = Latchkey.start(config -> config.port(port).issuer("http://127.0.0.1:" + port)
                .accessTokenTtl(Duration.ofMinutes(10)));
    }

    @AfterAll
    static void stop() {
        latchkey.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"RS256", "PS256", "ES256", "EdDSA"})
    void aClientSigningWithItsPrivateKeyGetsTokensWithAFreshAssertionEachTime(String alg) throws Exception {
        KeyPair keys = generate(alg);
        String kid = UUID.randomUUID().toString();
        String clientId = latchkey.createKeyClient("TestSystem", new JWKSet(publicJwk(keys, kid)).toJSONObject(true));
        CountingHttpClient http = new CountingHttpClient();
        TokenSource tokens = TokenSource.builder(latchkey.url(), clientId).privateKeyJwt(keys.getPrivate(), kid, alg)
                .clock(latchkey.clock()).httpClient(http).build();

        String first = tokens.accessToken();
        latchkey.clock().advance(Duration.ofMinutes(11)); // expired: a second token request, a second assertion
        String second = tokens.accessToken();

        assertThat(second).isNotEqualTo(first);
        assertThat(http.count("/oauth2/token")).isEqualTo(2);
        assertThat(SignedJWT.parse(second).getJWTClaimsSet().getSubject()).isEqualTo(clientId);
    }

    @Test
    void theKidMayBeLeftOutWhenTheSetHasOneKey() throws Exception {
        KeyPair keys = generate("ES256");
        String clientId = latchkey.createKeyClient("TestSystem", new JWKSet(publicJwk(keys, null)).toJSONObject(true));

        TokenSource tokens = TokenSource.builder(latchkey.url(), clientId).privateKeyJwt(keys.getPrivate(), null, "ES256")
                .clock(latchkey.clock()).build();

        assertThat(tokens.accessToken()).isNotBlank();
    }

    @Test
    void aKeyTheServerDoesNotHoldIsAnInvalidClient() throws Exception {
        String clientId = latchkey.createKeyClient("TestSystem",
                new JWKSet(publicJwk(generate("ES256"), "registered")).toJSONObject(true));

        TokenSource tokens = TokenSource.builder(latchkey.url(), clientId)
                .privateKeyJwt(generate("ES256").getPrivate(), "registered", "ES256").clock(latchkey.clock()).build();

        assertThatThrownBy(tokens::accessToken).isInstanceOf(InvalidClientException.class);
    }

    @Test
    void anAlgorithmTheServerRefusesOrAKeyThatCannotSignItIsRefusedAtOnce() throws Exception {
        KeyPair ec = generate("ES256");
        TokenSource.Builder builder = TokenSource.builder(URI.create("https://auth.example"), "client");

        assertThatThrownBy(() -> builder.privateKeyJwt(ec.getPrivate(), "k", "HS256"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alg");
        assertThatThrownBy(() -> builder.privateKeyJwt(ec.getPrivate(), "k", "RS256"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RSA");
        assertThatThrownBy(() -> builder.privateKeyJwt(generate("EdDSA").getPrivate(), "k", "ES256"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aClientWithoutASecretOrAKeyCannotBeBuilt() throws Exception {
        assertThatThrownBy(() -> TokenSource.builder(URI.create("https://auth.example"), "client").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("privateKeyJwt");
        assertThatThrownBy(() -> TokenSource.builder(URI.create("https://auth.example"), "client", "secret")
                .privateKeyJwt(generate("ES256").getPrivate(), "k", "ES256").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not both");
    }

    static KeyPair generate(String alg) throws Exception {
        if (alg.equals("EdDSA")) {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        }
        if (alg.equals("ES256")) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    /** The public JWK of a JDK key pair, as the partner would register it. */
    static JWK publicJwk(KeyPair keys, String kid) {
        if (keys.getPublic() instanceof RSAPublicKey rsa) {
            return new RSAKey.Builder(rsa).keyID(kid).build();
        }
        if (keys.getPublic() instanceof ECPublicKey ec) {
            return new ECKey.Builder(Curve.P_256, ec).keyID(kid).build();
        }
        // An Ed25519 public key's X.509 encoding ends with its 32 raw bytes (RFC 8410 §4).
        byte[] encoded = keys.getPublic().getEncoded();
        byte[] raw = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
        return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(raw)).keyID(kid).build();
    }
}
