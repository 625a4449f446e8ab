package io.latchkey.client;

import java.time.Duration;

/**
 * How a {@link TokenVerifier} follows the revocation feed, for a health check or a gauge.
 *
 * @param following     whether the verifier follows the feed at all
 * @param sinceLastRead how long ago it last read the feed; null if it never has
 * @param current       whether it accepts tokens: it read the feed within its staleness bound
 * @param entries       the revocations and deleted clients it holds
 */
public record RevocationFeedStatus(boolean following, Duration sinceLastRead, boolean current, int entries) {
}
