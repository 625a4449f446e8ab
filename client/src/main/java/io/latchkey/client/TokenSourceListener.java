package io.latchkey.client;

import java.time.Duration;
import java.time.Instant;

/**
 * Hears what a {@link TokenSource} does, for metrics and logs. Called on the thread that talks
 * to the server; must return quickly and must not throw. Never given a token or a secret.
 */
public interface TokenSourceListener {
    /** How a token was obtained. */
    enum Grant {
        /** RFC 6749 §4.4: from the client's id and secret. */
        CLIENT_CREDENTIALS,
        /** RFC 6749 §6: from the previous refresh token. */
        REFRESH_TOKEN
    }

    TokenSourceListener NONE = new TokenSourceListener() {
    };

    /** A new access token, valid until {@code expiresAt}. */
    default void tokenObtained(Grant grant, Instant expiresAt) {
    }

    /** The refresh token was refused ({@code invalid_grant}); the source falls back to client_credentials. */
    default void refreshRefused() {
    }

    /** Attempt {@code attempt} failed for a reason worth retrying; the next starts after {@code delay}. */
    default void retrying(int attempt, Duration delay, String reason) {
    }
}
