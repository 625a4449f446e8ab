package io.latchkey.core.webhook;

import java.time.Duration;
import java.time.Instant;

/**
 * When a failed delivery is sent again (SPEC §10): {@code first} after the first failure, each
 * next wait four times the one before, at most {@code longest}, each moved by up to ±20 % so that
 * the receivers of a server that was down are not all called back in the same second. A delivery
 * is retried until it is {@code retryFor} old; the attempt that fails past that age is its last.
 * With the defaults (10 s, 6 h, 1 day) that is 11 attempts over about 28 hours.
 */
public record RetrySchedule(Duration first, Duration longest, Duration retryFor) {
    /** Failed attempts after which a delivery, and its webhook, count as failing. */
    public static final int FAILING_AFTER = 3;
    public static final Duration DEFAULT_FIRST = Duration.ofSeconds(10);
    public static final Duration LONGEST = Duration.ofHours(6);
    public static final Duration RETRY_FOR = Duration.ofDays(1);

    public RetrySchedule {
        if (first.isNegative() || first.isZero() || first.compareTo(longest) > 0) {
            throw new IllegalArgumentException("the first retry must be positive and at most " + longest);
        }
    }

    /** The schedule starting at {@code first}, with the fixed longest wait and retry period. */
    public static RetrySchedule startingAt(Duration first) {
        return new RetrySchedule(first, LONGEST, RETRY_FOR);
    }

    /**
     * The wait after the {@code failedAttempts}-th failure (1 for the first), given {@code jitter}
     * uniform in [0, 1).
     */
    public Duration delayAfter(int failedAttempts, double jitter) {
        long millis = first.toMillis();
        for (int i = 1; i < failedAttempts && millis < longest.toMillis(); i++) {
            millis *= 4;
        }
        millis = Math.min(millis, longest.toMillis());
        return Duration.ofMillis(Math.max(1, Math.round(millis * (0.8 + 0.4 * jitter))));
    }

    /** Whether a delivery created at {@code createdAt} that just failed at {@code now} is given up. */
    public boolean givesUp(Instant createdAt, Instant now) {
        return !now.isBefore(createdAt.plus(retryFor));
    }
}
