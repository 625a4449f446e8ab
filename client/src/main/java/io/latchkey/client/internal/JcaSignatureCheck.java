package io.latchkey.client.internal;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;

/**
 * ES256, RS256 and EdDSA with the JDK's own providers. Each thread keeps a {@link Signature}
 * initialised with the key; {@code verify} resets it for the next token.
 *
 * <p>ES256 uses the JDK's {@code SHA256withECDSAinP1363Format}, which takes the JWS's raw
 * {@code R || S} (RFC 7518 §3.4) without transcoding to DER, and takes only the low S (S ≤ n/2):
 * an ECDSA signature (R, S) has a twin, (R, n − S), that verifies too, and the server signs and
 * accepts the low one only, so each token has one spelling. EdDSA uses the JDK's Ed25519
 * (Java 15+), so verifying needs no library beyond Nimbus — whose own Ed25519 verifier needs Tink.
 */
final class JcaSignatureCheck implements SignatureCheck {
    /**
     * ⌊n/2⌋ for P-256 as the 32 big-endian bytes an ES256 S is written in; n, the order of the
     * curve's base point, is FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
     * (SEC 2 §2.4.2).
     */
    private static final byte[] P256_HALF_ORDER = java.util.HexFormat.of()
            .parseHex("7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8");

    private final String algorithm;
    private final int signatureLength;
    private final boolean lowS;
    private final ThreadLocal<Signature> signatures;

    /** ES256 with {@code key}, taking only the low S. */
    static JcaSignatureCheck es256(PublicKey key) {
        return new JcaSignatureCheck("ES256", "SHA256withECDSAinP1363Format", key, 64, true);
    }

    /** @param signatureLength the exact length a signature must have, or 0 for any */
    JcaSignatureCheck(String algorithm, String jcaAlgorithm, PublicKey key, int signatureLength) {
        this(algorithm, jcaAlgorithm, key, signatureLength, false);
    }

    private JcaSignatureCheck(String algorithm, String jcaAlgorithm, PublicKey key, int signatureLength, boolean lowS) {
        this.algorithm = algorithm;
        this.signatureLength = signatureLength;
        this.lowS = lowS;
        this.signatures = ThreadLocal.withInitial(() -> {
            try {
                Signature signature = Signature.getInstance(jcaAlgorithm);
                signature.initVerify(key);
                return signature;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(jcaAlgorithm + " is not available", e);
            }
        });
        signatures.get(); // fail at construction, not at the first token
    }

    @Override
    public String algorithm() {
        return algorithm;
    }

    @Override
    public boolean verify(byte[] signingInput, int length, byte[] signature) {
        if (signatureLength > 0 && (signature.length != signatureLength || !bothHalvesNonZero(signature))) {
            return false;
        }
        if (lowS && !atMostHalfOrder(signature)) {
            return false;
        }
        Signature verifier = signatures.get();
        try {
            verifier.update(signingInput, 0, length);
            return verifier.verify(signature);
        } catch (SignatureException e) {
            // A malformed signature; verify() has reset the Signature for the next token.
            return false;
        }
    }

    /**
     * For ECDSA, {@code R} and {@code S} of zero must never verify (CVE-2022-21449, "psychic
     * signatures"); patched JDKs refuse them too, this refuses them on any.
     */
    private static boolean bothHalvesNonZero(byte[] signature) {
        int half = signature.length / 2;
        return !allZero(signature, 0, half) && !allZero(signature, half, signature.length);
    }

    /** Whether the second half of {@code signature}, S, is at most ⌊n/2⌋, both unsigned big-endian. */
    private static boolean atMostHalfOrder(byte[] signature) {
        int half = signature.length / 2;
        for (int i = 0; i < half; i++) {
            int s = signature[half + i] & 0xff;
            int limit = P256_HALF_ORDER[i] & 0xff;
            if (s != limit) {
                return s < limit;
            }
        }
        return true;
    }

    private static boolean allZero(byte[] bytes, int from, int to) {
        int or = 0;
        for (int i = from; i < to; i++) {
            or |= bytes[i];
        }
        return or == 0;
    }

    @Override
    public String toString() {
        return "JcaSignatureCheck[" + algorithm + "]";
    }
}
