package io.latchkey.core.dpop;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Server-provided nonces (RFC 9449 §8): the token endpoint hands out {@code DPoP-Nonce} and
 * accepts a proof only with a nonce it gave within the last one or two periods, so that a proof
 * made ahead of time (a device's clock, a key used elsewhere) is useless. Stateless: the nonce
 * of a period is an HMAC of the period's number under a key drawn at start-up, so nothing is
 * stored and every thread agrees. Each instance has its own key; a client sent to another
 * instance is told its nonce ({@code use_dpop_nonce}, with the new one) and retries once.
 */
public final class DpopNonces {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final Clock clock;
    private final long periodMillis;
    private final SecretKeySpec key;

    public DpopNonces(Clock clock, long periodMillis, SecureRandom random) {
        this.clock = clock;
        this.periodMillis = periodMillis;
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /** The nonce a client should put in its next proof. */
    public String current() {
        return nonceOf(clock.millis() / periodMillis);
    }

    /** Whether {@code nonce} is this period's or the previous one's. */
    boolean isCurrent(String nonce) {
        if (nonce == null || nonce.length() > 64) {
            return false;
        }
        long period = clock.millis() / periodMillis;
        byte[] given = nonce.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(given, nonceOf(period).getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                || MessageDigest.isEqual(given, nonceOf(period - 1).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private String nonceOf(long period) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] tag = mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(period).array());
            return BASE64URL.encodeToString(java.util.Arrays.copyOf(tag, 18));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
