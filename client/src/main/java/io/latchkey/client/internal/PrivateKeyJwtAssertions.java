package io.latchkey.client.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpRequest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * {@code private_key_jwt} (RFC 7523 §2.2 and §3): every token request carries a new assertion,
 * signed with the client's private key — {@code iss} = {@code sub} = the client id, {@code aud}
 * = the token endpoint's URL, issued now, expiring {@link #LIFETIME} later (the server refuses
 * more than five minutes), and a random {@code jti}, since the server accepts each one once.
 */
public final class PrivateKeyJwtAssertions implements ClientAuthentication {
    /** Short: an assertion is used at once, and a stolen one is worth only this long. */
    public static final Duration LIFETIME = Duration.ofSeconds(60);
    /** The algorithms a Latchkey server accepts (its metadata's {@code token_endpoint_auth_signing_alg_values_supported}). */
    public static final List<String> ALGORITHMS = List.of("RS256", "PS256", "ES256", "EdDSA");
    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private final String clientId;
    private final JWSSigner signer;
    private final JWSHeader header;
    private final Clock clock;
    private final SecureRandom random;

    /**
     * @throws IllegalArgumentException for an algorithm the server does not accept, or a key that
     *                                  cannot sign with it
     */
    public PrivateKeyJwtAssertions(String clientId, PrivateKey key, String kid, String alg, Clock clock,
                                   SecureRandom random) {
        if (!ALGORITHMS.contains(alg)) {
            throw new IllegalArgumentException("alg must be one of " + ALGORITHMS + ", not " + alg);
        }
        JWSAlgorithm algorithm = JWSAlgorithm.parse(alg);
        this.clientId = clientId;
        this.signer = signerFor(key, algorithm);
        this.header = new JWSHeader.Builder(algorithm).keyID(kid).type(JOSEObjectType.JWT).build();
        this.clock = clock;
        this.random = random;
    }

    @Override
    public void authenticate(URI endpoint, HttpRequest.Builder request, Map<String, String> form) {
        form.put("client_assertion_type", JWT_BEARER);
        form.put("client_assertion", assertionFor(endpoint));
    }

    /** A new assertion for a request to {@code endpoint}. */
    String assertionFor(URI endpoint) {
        Instant now = clock.instant();
        byte[] jti = new byte[16];
        random.nextBytes(jti);
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(clientId).subject(clientId)
                .audience(endpoint.toString()).issueTime(Date.from(now)).expirationTime(Date.from(now.plus(LIFETIME)))
                .jwtID(Base64.getUrlEncoder().withoutPadding().encodeToString(jti)).build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("The client assertion could not be signed: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    private static JWSSigner signerFor(PrivateKey key, JWSAlgorithm alg) {
        try {
            if ((JWSAlgorithm.RS256.equals(alg) || JWSAlgorithm.PS256.equals(alg)) && key instanceof RSAPrivateKey) {
                return new RSASSASigner(key);
            }
            if (JWSAlgorithm.ES256.equals(alg) && key instanceof ECPrivateKey ec
                    && Curve.P_256.equals(Curve.forECParameterSpec(ec.getParams()))) {
                return new ECDSASigner(ec);
            }
            if (JWSAlgorithm.EdDSA.equals(alg) && "Ed25519".equalsIgnoreCase(EdDsaSigner.curveOf(key))) {
                return new EdDsaSigner(key);
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("The key cannot sign " + alg + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("A " + key.getAlgorithm() + " key cannot sign " + alg
                + " (RS256 and PS256 need RSA, ES256 an EC key on P-256, EdDSA an Ed25519 key)");
    }
}
