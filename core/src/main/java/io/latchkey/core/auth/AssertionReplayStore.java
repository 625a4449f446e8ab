package io.latchkey.core.auth;

import java.time.Instant;

/**
 * The {@code jti}s of client assertions already accepted (RFC 7523 §3 item 7): shared by every
 * instance on one store, so an assertion is accepted once across all of them.
 */
public interface AssertionReplayStore {
    /**
     * Records that {@code clientId} used {@code jti}, kept until {@code expiresAt}; false when
     * it had been used already. The store, not the application, decides between two concurrent
     * uses: exactly one of them gets true.
     */
    boolean useOnce(String clientId, String jti, Instant expiresAt);
}
