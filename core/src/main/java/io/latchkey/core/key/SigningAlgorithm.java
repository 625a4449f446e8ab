package io.latchkey.core.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.security.SecureRandom;
import java.util.Locale;

/** The JWS algorithms Latchkey signs with, and how to make, sign and verify with their keys. */
public enum SigningAlgorithm {
    HS256(JWSAlgorithm.HS256, false),
    HS512(JWSAlgorithm.HS512, false),
    ES256(JWSAlgorithm.ES256, true),
    RS256(JWSAlgorithm.RS256, true),
    EdDSA(JWSAlgorithm.EdDSA, true);

    private final JWSAlgorithm jws;
    private final boolean asymmetric;

    SigningAlgorithm(JWSAlgorithm jws, boolean asymmetric) {
        this.jws = jws;
        this.asymmetric = asymmetric;
    }

    public JWSAlgorithm jws() {
        return jws;
    }

    /** Whether the public half is published in the JWKS. */
    public boolean asymmetric() {
        return asymmetric;
    }

    /** Parses a configured name ({@code HS256}, {@code ES256}, {@code RS256}, {@code EdDSA}), any case. */
    public static SigningAlgorithm parse(String name) {
        for (SigningAlgorithm alg : values()) {
            if (alg.name().toUpperCase(Locale.ROOT).equals(name.trim().toUpperCase(Locale.ROOT))) {
                return alg;
            }
        }
        throw new IllegalArgumentException("unsupported signing algorithm '" + name
                + "': use HS256, ES256, RS256 or EdDSA");
    }

    JWK generate(String kid, SecureRandom random) throws JOSEException {
        return switch (this) {
            case HS256 -> new OctetSequenceKeyGenerator(256).keyID(kid).algorithm(jws).secureRandom(random).generate();
            case HS512 -> new OctetSequenceKeyGenerator(512).keyID(kid).algorithm(jws).secureRandom(random).generate();
            case ES256 -> new ECKeyGenerator(Curve.P_256).keyID(kid).algorithm(jws).keyUse(KeyUse.SIGNATURE)
                    .secureRandom(random).generate();
            case RS256 -> new RSAKeyGenerator(2048).keyID(kid).algorithm(jws).keyUse(KeyUse.SIGNATURE)
                    .secureRandom(random).generate();
            case EdDSA -> Ed25519Jws.generate(kid, random);
        };
    }

    JWSSigner signer(JWK jwk) throws JOSEException {
        return switch (this) {
            case HS256, HS512 -> new HmacJws(jws, ((OctetSequenceKey) jwk).toByteArray());
            case ES256 -> new Es256Jws((ECKey) jwk);
            case RS256 -> new RSASSASigner((RSAKey) jwk);
            case EdDSA -> new Ed25519Jws((OctetKeyPair) jwk);
        };
    }

    /**
     * The verifier of {@code alg} signatures by someone else's public key (a client's {@code
     * private_key_jwt} assertion, a DPoP proof's {@code jwk}), or null when {@code key} is not a
     * key for {@code alg}. The one place that picks whose code checks such a signature, by what
     * docs/performance.md ("Signatures") measured: ES256 and EdDSA on BouncyCastle (about 20× and
     * 9× the JDK 17 providers' in JMH; Nimbus' {@code Ed25519Verifier} would need Tink, which the server
     * does not ship), RS256 and PS256 on the JDK's providers (as fast as BouncyCastle's). ES256
     * accepts either s of a signature here ({@link Es256Jws#ofForeignKey}): only this server's own
     * tokens are held to the low one. Only the public half of {@code key} is used.
     *
     * @throws JOSEException when {@code key} is of the right type but unusable (off its curve)
     */
    public static JWSVerifier publicKeyVerifier(JWK key, JWSAlgorithm alg) throws JOSEException {
        if (key instanceof ECKey ec && JWSAlgorithm.ES256.equals(alg)) {
            return Es256Jws.ofForeignKey(ec);
        }
        if (key instanceof OctetKeyPair okp && JWSAlgorithm.EdDSA.equals(alg)) {
            return new Ed25519Jws(okp.toPublicJWK());
        }
        if (key instanceof RSAKey rsa && (JWSAlgorithm.RS256.equals(alg) || JWSAlgorithm.PS256.equals(alg))) {
            return new RSASSAVerifier(rsa.toPublicJWK());
        }
        return null;
    }

    /** A verifier of EdDSA signatures by someone else's Ed25519 public key: {@link #publicKeyVerifier}'s. */
    public static JWSVerifier ed25519Verifier(OctetKeyPair publicKey) throws JOSEException {
        return new Ed25519Jws(publicKey.toPublicJWK());
    }

    /**
     * A signer with this server's {@code jwk} of this algorithm, as the key ring signs tokens
     * (public for the signature benchmarks; the server signs through {@code KeyService}).
     */
    public JWSSigner signerOf(JWK jwk) throws JOSEException {
        return signer(jwk);
    }

    JWSVerifier verifier(JWK jwk) throws JOSEException {
        return switch (this) {
            case HS256, HS512 -> new HmacJws(jws, ((OctetSequenceKey) jwk).toByteArray());
            case ES256 -> new Es256Jws(((ECKey) jwk).toPublicJWK());
            case RS256 -> new RSASSAVerifier(((RSAKey) jwk).toPublicJWK());
            case EdDSA -> new Ed25519Jws(((OctetKeyPair) jwk).toPublicJWK());
        };
    }
}
