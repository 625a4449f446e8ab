package io.latchkey.core.secret;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Mints every random identifier and credential Latchkey hands out: client ids, client secrets,
 * API keys, token ids, key ids and family ids, all base64url without padding from one injected
 * CSPRNG.
 */
public final class SecretGenerator {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random;

    public SecretGenerator(SecureRandom random) {
        this.random = random;
    }

    /** {@code bytes} random bytes, base64url encoded. */
    public String next(int bytes) {
        byte[] buffer = new byte[bytes];
        random.nextBytes(buffer);
        return BASE64URL.encodeToString(buffer);
    }

    /** A 256-bit secret: client secrets and API keys. */
    public String secret() {
        return next(32);
    }

    /** A 128-bit identifier: unguessable, short enough for URLs and logs. */
    public String id() {
        return next(16);
    }

    public void nextBytes(byte[] buffer) {
        random.nextBytes(buffer);
    }
}
