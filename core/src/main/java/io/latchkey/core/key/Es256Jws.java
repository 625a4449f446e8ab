package io.latchkey.core.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Set;

/**
 * ES256 (RFC 7518 §3.4) with one spelling per signature. An ECDSA signature (r, s) has a twin,
 * (r, n − s), that verifies the same input under the same key, so every token would have two
 * spellings that both verify, as a base64 token with loose padding would; {@code TokenVerifier}
 * accepts one spelling of a token only. This signs with the low s (s ≤ n/2: Nimbus and the JDK
 * choose either) and verifies only the low s, as Bitcoin's BIP 62 and libsecp256k1 do. The
 * signature itself is Nimbus' {@link ECDSASigner} and {@link ECDSAVerifier}, which also refuse
 * r or s of zero or past n (CVE-2022-21449).
 */
final class Es256Jws implements JWSSigner, JWSVerifier {
    /** The order n of P-256's base point (SEC 2 §2.4.2). */
    static final BigInteger ORDER = new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
    private static final int HALF = 32;
    /** ⌊n/2⌋ as the 32 big-endian bytes an S is written in: a low S is at most this. */
    private static final byte[] HALF_ORDER = unsigned32(ORDER.shiftRight(1));

    private final ECDSASigner signer;
    private final ECDSAVerifier verifier;

    Es256Jws(ECKey jwk) throws JOSEException {
        if (!Curve.P_256.equals(jwk.getCurve())) {
            throw new JOSEException("an ES256 key must be on curve P-256, not " + jwk.getCurve());
        }
        this.signer = jwk.isPrivate() ? new ECDSASigner(jwk) : null;
        this.verifier = new ECDSAVerifier(jwk.toPublicJWK());
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        if (signer == null) {
            throw new JOSEException("this P-256 key has no private half");
        }
        Base64URL signature = signer.sign(header, signingInput);
        byte[] bytes = signature.decode();
        if (isLowS(bytes)) {
            return signature;
        }
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(bytes, HALF, 2 * HALF));
        System.arraycopy(unsigned32(ORDER.subtract(s)), 0, bytes, HALF, HALF);
        return Base64URL.encode(bytes);
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
        return isLowS(signature.decode()) && verifier.verify(header, signingInput, signature);
    }

    /** Whether {@code signature} is 64 bytes, {@code R || S}, with S at most ⌊n/2⌋ (unsigned, big-endian). */
    static boolean isLowS(byte[] signature) {
        if (signature.length != 2 * HALF) {
            return false;
        }
        for (int i = 0; i < HALF; i++) {
            int s = signature[HALF + i] & 0xff;
            int limit = HALF_ORDER[i] & 0xff;
            if (s != limit) {
                return s < limit;
            }
        }
        return true;
    }

    private static byte[] unsigned32(BigInteger value) {
        byte[] bytes = value.toByteArray(); // big-endian, maybe led by a sign byte, maybe shorter
        byte[] fixed = new byte[HALF];
        int length = Math.min(bytes.length, HALF);
        System.arraycopy(bytes, bytes.length - length, fixed, HALF - length, length);
        return fixed;
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(JWSAlgorithm.ES256);
    }

    @Override
    public JCAContext getJCAContext() {
        return verifier.getJCAContext();
    }

    @Override
    public String toString() {
        return "Es256Jws[" + (signer == null ? "public" : "private") + "]"; // never the key
    }
}
