package io.latchkey.core.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Set;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.math.ec.FixedPointUtil;

/**
 * ES256 (RFC 7518 §3.4: ECDSA on P-256 with SHA-256) with BouncyCastle's lightweight ECDSA on its
 * dedicated P-256 field arithmetic ({@code CustomNamedCurves}), which issues ES256 tokens 5.5× and
 * verifies them 12× faster per CPU-second than the JDK 17's SunEC (1.8× and 6.3× on JDK 25;
 * docs/performance.md, "Signatures"). Signing
 * multiplies the base point from BouncyCastle's fixed-point comb table, built once per JVM, with
 * the deterministic nonce of RFC 6979 (no draw from a random source per token); verification
 * reuses the public point, so its window table is built on the first signature it checks.
 *
 * <p>One spelling per signature: an ECDSA signature (r, s) has a twin, (r, n − s), that verifies
 * the same input under the same key, so every token would have two spellings that both verify,
 * as a base64 token with loose padding would; {@code TokenVerifier} accepts one spelling of a
 * token only. This server's own keys ({@link #Es256Jws(ECKey)}) sign with the low s (s ≤ n/2)
 * and verify only the low s, as Bitcoin's BIP 62 and libsecp256k1 do. Someone else's key (a
 * client's assertion, a DPoP proof: {@link #ofForeignKey}) signs with whatever s its library
 * chose, so either is accepted there. Always refused: an {@code alg} other than ES256, any
 * {@code crit} header (RFC 7515 §4.1.11), a signature that is not 64 bytes, and r or s of zero or
 * past n (CVE-2022-21449); a public key must be a point of P-256 (no invalid-curve keys).
 */
final class Es256Jws implements JWSSigner, JWSVerifier {
    /** The order n of P-256's base point (SEC 2 §2.4.2). */
    static final BigInteger ORDER = new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
    private static final int HALF = 32;
    private static final BigInteger HALF_ORDER_VALUE = ORDER.shiftRight(1);
    /** ⌊n/2⌋ as the 32 big-endian bytes an S is written in: a low S is at most this. */
    private static final byte[] HALF_ORDER = unsigned32(HALF_ORDER_VALUE);
    private static final ECDomainParameters P256;

    static {
        X9ECParameters curve = CustomNamedCurves.getByName("P-256");
        P256 = new ECDomainParameters(curve.getCurve(), curve.getG(), curve.getN(), curve.getH());
        FixedPointUtil.precompute(P256.getG()); // the signer's comb table, once per JVM, not on the first token
    }

    private final ECPublicKeyParameters publicKey;
    /** The private scalar, or null for a verifier of a public key. */
    private final ECPrivateKeyParameters privateKey;
    private final boolean lowSOnly;
    private final JCAContext jcaContext = new JCAContext();

    /** This server's key (private for signing, or its public half): signs and accepts the low s only. */
    Es256Jws(ECKey jwk) throws JOSEException {
        this(jwk, true);
    }

    private Es256Jws(ECKey jwk, boolean lowSOnly) throws JOSEException {
        if (!Curve.P_256.equals(jwk.getCurve())) {
            throw new JOSEException("an ES256 key must be on curve P-256, not " + jwk.getCurve());
        }
        ECPoint point;
        try {
            // validatePoint refuses coordinates off the curve; the parameters refuse infinity and a wrong order.
            point = P256.getCurve().validatePoint(jwk.getX().decodeToBigInteger(), jwk.getY().decodeToBigInteger());
            this.publicKey = new ECPublicKeyParameters(point, P256);
        } catch (IllegalArgumentException e) {
            throw new JOSEException("the P-256 public key is not a valid point");
        }
        if (jwk.isPrivate()) {
            BigInteger d = jwk.getD().decodeToBigInteger();
            if (d.signum() <= 0 || d.compareTo(ORDER) >= 0) {
                throw new JOSEException("the P-256 private key is out of range");
            }
            // Signing with a d whose x, y are not its public key would make tokens no JWKS verifies.
            if (!new FixedPointCombMultiplier().multiply(P256.getG(), d).normalize().equals(point)) {
                throw new JOSEException("the P-256 public key is not the private key's");
            }
            this.privateKey = new ECPrivateKeyParameters(d, P256);
        } else {
            this.privateKey = null;
        }
        this.lowSOnly = lowSOnly;
    }

    /**
     * A verifier of ES256 signatures by someone else's P-256 public key (RFC 7518 §3.4 as
     * written: either s). Only the public half of {@code jwk} is used.
     */
    static Es256Jws ofForeignKey(ECKey jwk) throws JOSEException {
        return new Es256Jws(jwk.toPublicJWK(), false);
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        if (privateKey == null) {
            throw new JOSEException("this P-256 key has no private half");
        }
        if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
            throw new JOSEException("this key signs ES256, not " + header.getAlgorithm());
        }
        // One signer per call: ECDSASigner keeps its key and nonce generator as state.
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, privateKey);
        BigInteger[] rs = signer.generateSignature(sha256(signingInput));
        BigInteger s = rs[1].compareTo(HALF_ORDER_VALUE) > 0 ? ORDER.subtract(rs[1]) : rs[1];
        byte[] signature = new byte[2 * HALF];
        System.arraycopy(unsigned32(rs[0]), 0, signature, 0, HALF);
        System.arraycopy(unsigned32(s), 0, signature, HALF, HALF);
        return Base64URL.encode(signature);
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
        if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())
                || (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty())) {
            return false;
        }
        byte[] bytes = signature.decode();
        if (bytes.length != 2 * HALF || (lowSOnly && !isLowS(bytes))) {
            return false;
        }
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(bytes, 0, HALF));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(bytes, HALF, 2 * HALF));
        // ECDSASigner refuses r or s outside [1, n − 1] before any arithmetic.
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, publicKey);
        return verifier.verifySignature(sha256(signingInput), r, s);
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

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
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
        return jcaContext;
    }

    @Override
    public String toString() {
        return "Es256Jws[" + (privateKey == null ? "public" : "private") + "]"; // never the key
    }
}
