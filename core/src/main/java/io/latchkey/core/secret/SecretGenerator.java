package io.latchkey.core.secret;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;

/**
 * Mints every random identifier and credential Latchkey hands out: client ids, client secrets,
 * API keys, token ids, key ids and family ids, all base64url without padding from one injected
 * CSPRNG. Token ids alone start with their issue time ({@link #timeOrderedId}), to keep the store's
 * index of consumed tokens growing at one end.
 */
public final class SecretGenerator {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    /** base32hex, lower case: sorts as its values do, bytewise and in the usual text collations. */
    private static final char[] SORTABLE = "0123456789abcdefghijklmnopqrstuv".toCharArray();
    /** Characters of a time prefix: 50 bits of milliseconds since 1970, enough until the year 37648. */
    static final int TIME_CHARS = 10;

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

    /**
     * A token id ({@code jti}) that sorts by the time it was minted: {@code at} in milliseconds
     * as 10 base32hex characters, then the 128 random bits of {@link #id()} (22 characters).
     *
     * <p>Why: the store indexes every consumed refresh token by its jti. Random ids put each
     * insert on a random leaf of that index, and on a store of millions of rows each commit then
     * dirties, logs and checkpoints as many pages as it has inserts. Tokens are consumed within
     * their lifetime, so time-ordered ids land on the few leaves at the index's right edge, as
     * UUIDv7 keys do (RFC 9562 §5.7). The time they reveal is the token's {@code iat} anyway;
     * the random part is as unguessable as before. Only for token ids: client ids, secrets and
     * API keys stay wholly random.
     */
    public String timeOrderedId(Instant at) {
        long millis = Math.max(0, at.toEpochMilli());
        char[] prefix = new char[TIME_CHARS];
        for (int i = TIME_CHARS - 1; i >= 0; i--) {
            prefix[i] = SORTABLE[(int) (millis & 31)];
            millis >>>= 5;
        }
        return new String(prefix) + id();
    }

    public void nextBytes(byte[] buffer) {
        random.nextBytes(buffer);
    }
}
