package io.latchkey.core.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Set;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * EdDSA (Ed25519, RFC 8032 §5.1) signing and verification for Nimbus' {@code SignedJWT}, with
 * BouncyCastle's Ed25519. Nimbus' {@code Ed25519Signer} and {@code Ed25519Verifier} delegate to
 * Tink, whose Ed25519 took about 190 µs of CPU a signature and 370 µs a verification; this one
 * signs from BouncyCastle's precomputed table of multiples of the base point and verifies against
 * the public point decoded once, when the key ring loads. Keys stay RFC 8037 {@code OKP} JWKs.
 *
 * <p>The BouncyCastle calls are static and keep no state between calls, so one instance serves
 * every thread. Verification is as strict as {@link HmacJws}': the header's {@code alg} must be
 * {@code EdDSA} and any {@code crit} header refuses the token (RFC 7515 §4.1.11).
 */
final class Ed25519Jws implements JWSSigner, JWSVerifier {
    static {
        Ed25519.precompute(); // the base-point table, built once per JVM instead of on the first token
    }

    private final byte[] publicKey;
    private final Ed25519.PublicPoint publicPoint;
    /** The 32-byte RFC 8032 private key, or null for a verifier of someone's public key. */
    private final byte[] privateKey;
    private final JCAContext jcaContext = new JCAContext();

    Ed25519Jws(OctetKeyPair jwk) throws JOSEException {
        if (!Curve.Ed25519.equals(jwk.getCurve())) {
            throw new JOSEException("an EdDSA key must be on curve Ed25519, not " + jwk.getCurve());
        }
        this.publicKey = jwk.getDecodedX();
        if (publicKey.length != Ed25519.PUBLIC_KEY_SIZE) {
            throw new JOSEException("an Ed25519 public key is " + Ed25519.PUBLIC_KEY_SIZE + " bytes");
        }
        // RFC 8032 §5.1.3: a point on the curve; "full" also refuses points of small order.
        this.publicPoint = Ed25519.validatePublicKeyFullExport(publicKey, 0);
        if (publicPoint == null) {
            throw new JOSEException("the Ed25519 public key is not a valid point");
        }
        this.privateKey = jwk.isPrivate() ? jwk.getDecodedD() : null;
        if (privateKey != null) {
            if (privateKey.length != Ed25519.SECRET_KEY_SIZE) {
                throw new JOSEException("an Ed25519 private key is " + Ed25519.SECRET_KEY_SIZE + " bytes");
            }
            // Signing uses both halves as given; a stored x that is not d's would make tokens that
            // no JWKS verifies. Fail when the key ring loads, not at the first protected API.
            byte[] derived = new byte[Ed25519.PUBLIC_KEY_SIZE];
            Ed25519.generatePublicKey(privateKey, 0, derived, 0);
            if (!MessageDigest.isEqual(derived, publicKey)) {
                throw new JOSEException("the Ed25519 public key is not the private key's");
            }
        }
    }

    /** A new Ed25519 key pair as an RFC 8037 JWK, drawn from {@code random}. */
    static OctetKeyPair generate(String kid, SecureRandom random) {
        byte[] d = new byte[Ed25519.SECRET_KEY_SIZE];
        Ed25519.generatePrivateKey(random, d);
        byte[] x = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(d, 0, x, 0);
        return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x))
                .d(Base64URL.encode(d))
                .keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.EdDSA)
                .keyID(kid)
                .build();
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        if (privateKey == null) {
            throw new JOSEException("this Ed25519 key has no private half");
        }
        if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
            throw new JOSEException("this key signs EdDSA, not " + header.getAlgorithm());
        }
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(privateKey, 0, publicKey, 0, signingInput, 0, signingInput.length, signature, 0);
        return Base64URL.encode(signature);
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
        if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())
                || (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty())) {
            return false;
        }
        byte[] bytes = signature.decode();
        return bytes.length == Ed25519.SIGNATURE_SIZE
                && Ed25519.verify(bytes, 0, publicPoint, signingInput, 0, signingInput.length);
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(JWSAlgorithm.EdDSA);
    }

    @Override
    public JCAContext getJCAContext() {
        return jcaContext;
    }

    @Override
    public String toString() {
        return "Ed25519Jws[" + (privateKey == null ? "public" : "private") + "]"; // never the key
    }
}
