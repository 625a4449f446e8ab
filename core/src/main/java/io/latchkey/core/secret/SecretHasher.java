package io.latchkey.core.secret;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed hash of client secrets and API keys: HMAC-SHA-256 under a server-side pepper that is
 * sealed at rest with the master key.
 *
 * <p>The secrets are 256 random bits, so a slow password hash (bcrypt, PBKDF2) would cost
 * milliseconds on every token request and add no safety; the pepper makes a stolen table useless
 * without the key material.
 */
public final class SecretHasher {
    private static final String ALGORITHM = "HmacSHA256";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec pepper;
    /** {@link Mac} is not thread-safe; one per thread avoids both locking and per-call setup. */
    private final ThreadLocal<Mac> macs;

    public SecretHasher(byte[] pepper) {
        if (pepper.length < 32) {
            throw new IllegalArgumentException("the pepper must hold at least 256 bits");
        }
        this.pepper = new SecretKeySpec(pepper.clone(), ALGORITHM);
        this.macs = ThreadLocal.withInitial(this::newMac);
        newMac(); // fail at start-up, not on the first request
    }

    /** The keyed hash of {@code secret}, base64url encoded, as stored. */
    public String hash(String secret) {
        Mac mac = macs.get();
        return ENCODER.encodeToString(mac.doFinal(secret.getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether {@code secret} hashes to {@code storedHash}, compared in constant time. */
    public boolean matches(String secret, String storedHash) {
        return storedHash != null && sameHash(hash(secret), storedHash);
    }

    /** Whether two hashes are equal, compared in constant time. */
    public static boolean sameHash(String hash, String storedHash) {
        return MessageDigest.isEqual(hash.getBytes(StandardCharsets.US_ASCII),
                storedHash.getBytes(StandardCharsets.US_ASCII));
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(pepper);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is not available", e);
        }
    }
}
