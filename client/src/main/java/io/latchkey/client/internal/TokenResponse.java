package io.latchkey.client.internal;

import java.time.Duration;
import java.time.Instant;

/**
 * A successful token response, whichever endpoint gave it, with {@code expires_in} already in
 * one unit. {@code requestedAt} is when the request left: counting the lifetime from then errs
 * on the early side. {@link #toString()} shows no token.
 */
public record TokenResponse(String accessToken, String refreshToken, Duration lifetime, Instant requestedAt) {
    public Instant expiresAt() {
        return requestedAt.plus(lifetime);
    }

    @Override
    public String toString() {
        return "TokenResponse[lifetime=" + lifetime + ", refreshToken=" + (refreshToken != null) + "]";
    }
}
