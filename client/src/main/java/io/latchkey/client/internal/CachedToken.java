package io.latchkey.client.internal;

import java.time.Instant;

/**
 * The token a source hands out, the refresh token that renews it, when it expires, and when to
 * renew it: early enough that no caller is handed a token about to die on its way.
 * {@link #toString()} shows no token.
 */
record CachedToken(String accessToken, String refreshToken, Instant expiresAt, Instant renewAt) {
    /** Still accepted by a protected API: before {@code exp}. */
    boolean usableAt(Instant now) {
        return now.isBefore(expiresAt);
    }

    /** Fresh enough that nobody needs to renew it yet. */
    boolean freshAt(Instant now) {
        return now.isBefore(renewAt);
    }

    @Override
    public String toString() {
        return "CachedToken[expiresAt=" + expiresAt + ", renewAt=" + renewAt + "]";
    }
}
