package io.latchkey.client.internal;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;

/**
 * ES256 with BouncyCastle's lightweight ECDSA on its dedicated P-256 arithmetic, used instead of
 * the JDK's when the application has BouncyCastle ({@code org.bouncycastle:bcprov-jdk18on}) on
 * its class path: on JDK 17 it verifies about 6× faster than SunEC (docs/performance.md,
 * "Signatures"). The SDK does not depend on it; {@link #available()} decides once. The public
 * point is decoded once per key, so its window table is built on the first token it checks and
 * kept. Like {@link JcaSignatureCheck#es256}, it takes the raw {@code R || S} of RFC 7518 §3.4,
 * refuses R or S of zero or past n (CVE-2022-21449), and, for tokens, only the low S.
 */
final class BouncyCastleEs256Check implements SignatureCheck {
    private static final int HALF = 32;

    private final ECPublicKeyParameters key;
    private final boolean lowS;

    /** Loaded only when {@link #available()}: nothing here is touched without BouncyCastle. */
    private static final class Curve {
        static final ECDomainParameters P256;

        static {
            X9ECParameters curve = CustomNamedCurves.getByName("P-256");
            P256 = new ECDomainParameters(curve.getCurve(), curve.getG(), curve.getN(), curve.getH());
        }
    }

    /** Whether BouncyCastle's lightweight ECDSA is on the class path (it is an optional dependency). */
    static boolean available() {
        try {
            Class.forName("org.bouncycastle.crypto.signers.ECDSASigner", false,
                    BouncyCastleEs256Check.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * @param key  a P-256 public key (validated on the curve: no invalid-curve points)
     * @param lowS whether only the low S verifies (this server's tokens), or either (a DPoP proof)
     */
    BouncyCastleEs256Check(ECPublicKey key, boolean lowS) {
        this.key = new ECPublicKeyParameters(Curve.P256.getCurve().validatePoint(
                key.getW().getAffineX(), key.getW().getAffineY()), Curve.P256);
        this.lowS = lowS;
    }

    @Override
    public String algorithm() {
        return "ES256";
    }

    @Override
    public boolean verify(byte[] signingInput, int length, byte[] signature) {
        if (signature.length != 2 * HALF) {
            return false;
        }
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, HALF));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, HALF, 2 * HALF));
        BigInteger n = Curve.P256.getN();
        if (lowS && s.compareTo(n.shiftRight(1)) > 0) {
            return false;
        }
        ECDSASigner verifier = new ECDSASigner(); // refuses r or s outside [1, n − 1]
        verifier.init(false, key);
        return verifier.verifySignature(sha256(signingInput, length), r, s);
    }

    private static byte[] sha256(byte[] input, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(input, 0, length);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    @Override
    public String toString() {
        return "BouncyCastleEs256Check";
    }
}
