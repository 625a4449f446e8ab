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
 * {@code R || S} (RFC 7518 §3.4) without transcoding to DER. EdDSA uses the JDK's Ed25519
 * (Java 15+), so verifying needs no library beyond Nimbus — whose own Ed25519 verifier needs Tink.
 */
final class JcaSignatureCheck implements SignatureCheck {
    private final String algorithm;
    private final int signatureLength;
    private final ThreadLocal<Signature> signatures;

    /** @param signatureLength the exact length a signature must have, or 0 for any */
    JcaSignatureCheck(String algorithm, String jcaAlgorithm, PublicKey key, int signatureLength) {
        this.algorithm = algorithm;
        this.signatureLength = signatureLength;
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
