package io.latchkey.client.internal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HS256/HS384/HS512 (RFC 7518 §3.2). The costly part of an HMAC check with Nimbus's
 * {@code MACVerifier} is not the hash but {@code Mac.getInstance} and {@code init} on every call;
 * here each thread initialises its {@link Mac} once, and {@code doFinal} leaves it ready for the
 * next token. The comparison is constant-time.
 */
final class HmacCheck implements SignatureCheck {
    private final String algorithm;
    private final ThreadLocal<Mac> macs;

    HmacCheck(String algorithm, byte[] secret) {
        this.algorithm = algorithm;
        String jca = switch (algorithm) {
            case "HS256" -> "HmacSHA256";
            case "HS384" -> "HmacSHA384";
            case "HS512" -> "HmacSHA512";
            default -> throw new IllegalArgumentException("not an HMAC algorithm: " + algorithm);
        };
        int minBytes = Integer.parseInt(algorithm.substring(2)) / 8;
        if (secret.length < minBytes) {
            // RFC 7518 §3.2: a key at least as long as the hash output.
            throw new IllegalArgumentException(algorithm + " needs a key of at least " + minBytes + " bytes");
        }
        SecretKeySpec key = new SecretKeySpec(secret.clone(), jca);
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance(jca);
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(jca + " is not available", e);
            }
        });
        macs.get(); // fail at construction, not at the first token
    }

    @Override
    public String algorithm() {
        return algorithm;
    }

    @Override
    public boolean verify(byte[] signingInput, int length, byte[] signature) {
        Mac mac = macs.get();
        mac.update(signingInput, 0, length);
        return MessageDigest.isEqual(mac.doFinal(), signature);
    }

    @Override
    public String toString() {
        return "HmacCheck[" + algorithm + "]"; // never the key
    }
}
