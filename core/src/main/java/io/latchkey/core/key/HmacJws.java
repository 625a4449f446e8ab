package io.latchkey.core.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeyLengthException;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HS256/HS512 signing and verification for Nimbus' {@code SignedJWT}, with one initialised
 * {@link Mac} per thread. Nimbus' {@code MACSigner} and {@code MACVerifier} look the algorithm up
 * among the JCA providers and initialise a new {@code Mac} for every token, a tenth of the CPU of
 * an introspection; the HMAC itself is the same {@code javax.crypto} primitive either way.
 *
 * <p>Verification is stricter than Nimbus': the header's {@code alg} must be this key's, any
 * {@code crit} header refuses the token (RFC 7515 §4.1.11: this server understands no extension),
 * and the tag is compared in constant time.
 */
final class HmacJws implements JWSSigner, JWSVerifier {
    private final JWSAlgorithm algorithm;
    private final SecretKeySpec key;
    /** {@link Mac} is not thread-safe; one per thread avoids both locking and per-call setup. */
    private final ThreadLocal<Mac> macs;
    private final JCAContext jcaContext = new JCAContext();

    HmacJws(JWSAlgorithm algorithm, byte[] secret) throws KeyLengthException {
        String name;
        int bits;
        if (JWSAlgorithm.HS256.equals(algorithm)) {
            name = "HmacSHA256";
            bits = 256;
        } else if (JWSAlgorithm.HS512.equals(algorithm)) {
            name = "HmacSHA512";
            bits = 512;
        } else {
            throw new IllegalArgumentException("not an HMAC algorithm we sign with: " + algorithm);
        }
        // RFC 7518 §3.2: a key of the same size as the hash output or larger.
        if (secret.length * 8 < bits) {
            throw new KeyLengthException(algorithm + " needs a key of at least " + bits + " bits");
        }
        this.algorithm = algorithm;
        this.key = new SecretKeySpec(secret, name);
        this.macs = ThreadLocal.withInitial(this::newMac);
        newMac(); // fail when the key ring loads, not on the first request
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        if (!algorithm.equals(header.getAlgorithm())) {
            throw new JOSEException("this key signs " + algorithm + ", not " + header.getAlgorithm());
        }
        return Base64URL.encode(macs.get().doFinal(signingInput));
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
        if (!algorithm.equals(header.getAlgorithm())
                || (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty())) {
            return false;
        }
        return MessageDigest.isEqual(macs.get().doFinal(signingInput), signature.decode());
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(algorithm);
    }

    @Override
    public JCAContext getJCAContext() {
        return jcaContext;
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(key.getAlgorithm());
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(key.getAlgorithm() + " is not available", e);
        }
    }

    @Override
    public String toString() {
        return "HmacJws[" + algorithm + "]"; // never the key
    }
}
