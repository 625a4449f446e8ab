package io.latchkey.client;

import java.time.Duration;

/**
 * How a {@link TokenSource} retries a token request that failed for a reason worth retrying: an
 * I/O error, a 5xx or a 429. Attempt {@code n} (from 1) waits a capped exponential delay,
 * {@code min(maxDelay, initialDelay * 2^(n-1))}, of which a random half is jitter so that many
 * clients failing together do not retry together; a server's {@code Retry-After} lengthens it,
 * within {@code maxDelay}. A refused credential ({@code invalid_client}) is never retried.
 *
 * @param maxAttempts  attempts in all, the first included (default 4)
 * @param initialDelay the delay before the second attempt (default 200 ms)
 * @param maxDelay     the longest delay between two attempts (default 5 s)
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(5));
    /** One attempt only. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= initialDelay <= maxDelay");
        }
    }

    /** The delay before attempt {@code attempt + 1}, before jitter: capped exponential. */
    public Duration ceilingAfter(int attempt) {
        int doublings = Math.min(attempt - 1, 30);
        Duration delay = initialDelay.multipliedBy(1L << doublings);
        return delay.compareTo(maxDelay) > 0 || delay.isNegative() ? maxDelay : delay;
    }
}
