package io.latchkey.client.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Optional;

/**
 * Turns a JWK into the one {@link SignatureCheck} it can serve. The algorithm comes from the key,
 * never from a token: an EC key verifies ES256 only, so a token claiming HS256 cannot make a public
 * key into an HMAC secret (the classic algorithm-confusion attack).
 */
final class SignatureChecks {
    /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4); the 32 key bytes follow. */
    private static final byte[] ED25519_SPKI_PREFIX = {
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
    };
    private static final int MIN_RSA_BITS = 2048;
    private static final boolean BOUNCY_CASTLE = BouncyCastleEs256Check.available();

    private SignatureChecks() {
    }

    /** The check for {@code jwk}, or empty for a key no access token can be signed with. */
    static Optional<SignatureCheck> from(JWK jwk) {
        if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
            return Optional.empty();
        }
        String declared = jwk.getAlgorithm() == null ? null : jwk.getAlgorithm().getName();
        try {
            if (jwk instanceof OctetSequenceKey oct) {
                String alg = declared == null ? "HS256" : declared;
                return alg.startsWith("HS") ? Optional.of(new HmacCheck(alg, oct.toByteArray())) : Optional.empty();
            }
            if (jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve()) && matches(declared, "ES256")) {
                return Optional.of(es256(ec.toECPublicKey(), true));
            }
            if (jwk instanceof RSAKey rsa && matches(declared, "RS256")) {
                RSAPublicKey key = rsa.toRSAPublicKey();
                if (key.getModulus().bitLength() < MIN_RSA_BITS) {
                    return Optional.empty(); // RFC 7518 §3.3
                }
                return Optional.of(new JcaSignatureCheck("RS256", "SHA256withRSA", key, 0));
            }
            if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve()) && matches(declared, "EdDSA")) {
                return Optional.of(new JcaSignatureCheck("EdDSA", "Ed25519", ed25519(okp), 64));
            }
        } catch (JOSEException | GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty(); // a key we cannot use is a key we do not have
        }
        return Optional.empty();
    }

    /**
     * An ES256 check of {@code key}: BouncyCastle's when the application has it on its class path
     * (about 6× faster on JDK 17), else the JDK's.
     *
     * @param lowS whether only the low S verifies (this server's tokens; a DPoP proof's signer chose either)
     */
    static SignatureCheck es256(java.security.interfaces.ECPublicKey key, boolean lowS) {
        if (BOUNCY_CASTLE) {
            return new BouncyCastleEs256Check(key, lowS);
        }
        return lowS ? JcaSignatureCheck.es256(key)
                : new JcaSignatureCheck("ES256", "SHA256withECDSAinP1363Format", key, 64);
    }

    /** An HS256 key from raw secret bytes. */
    static SignatureCheck hs256(byte[] secret) {
        return new HmacCheck("HS256", secret);
    }

    private static boolean matches(String declared, String algorithm) {
        return declared == null || declared.equals(algorithm);
    }

    private static PublicKey ed25519(OctetKeyPair okp) throws GeneralSecurityException {
        byte[] x = okp.getDecodedX();
        if (x.length != 32) {
            throw new GeneralSecurityException("an Ed25519 public key is 32 bytes");
        }
        byte[] spki = new byte[ED25519_SPKI_PREFIX.length + x.length];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(x, 0, spki, ED25519_SPKI_PREFIX.length, x.length);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }
}
