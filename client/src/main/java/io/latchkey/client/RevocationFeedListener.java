package io.latchkey.client;

import java.time.Duration;

/**
 * Hears how a {@link TokenVerifier} keeps up with the server's revocation feed
 * ({@code GET /oauth2/revocations}, SPEC §9). Called on the verifier's feed thread: return quickly.
 * A verifier that has not read the feed for longer than its
 * {@linkplain TokenVerifier.Builder#revocationFeedMaxStaleness staleness bound} refuses every
 * token as {@link TokenRejectedException.Reason#UNAVAILABLE} until it has read it again.
 */
public interface RevocationFeedListener {
    /** A read of the feed failed; the verifier last read it {@code sinceLastRead} ago (null: never). */
    default void onBehind(Duration sinceLastRead, Exception cause) {
    }

    /** The feed was read again after failures: the verifier is current. */
    default void onCaughtUp() {
    }
}
