package io.latchkey.core.ratelimit;

import io.latchkey.core.error.LatchkeyException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Caps how often one authenticated client may do something that costs the server memory or
 * writes (revoking tokens): a token bucket per client id holding {@code perMinute} calls and
 * regaining them over a minute; a call that finds it empty is refused with
 * {@code too_many_requests} and {@code Retry-After}.
 *
 * <p>Keys are authenticated client ids, so the table holds at most one bucket per registered
 * client; full buckets (clients that have not called for a minute) are swept away once it passes
 * {@value #SWEEP_ABOVE} entries, at most once a second. Per instance: N instances allow N times
 * the rate.
 */
public final class ClientRateLimiter {
    static final int SWEEP_ABOVE = 10_000;

    private final Clock clock;
    private final String what;
    private final double capacity;
    private final double refillPerNano;
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong(Long.MIN_VALUE / 2);

    /**
     * @param what      what is limited, plural, for the error message ("revocations")
     * @param perMinute calls allowed at once, and regained per minute
     */
    public ClientRateLimiter(Clock clock, String what, int perMinute) {
        if (perMinute < 1) {
            throw new IllegalArgumentException("a rate limit must allow at least one call a minute");
        }
        this.clock = clock;
        this.what = what;
        this.capacity = perMinute;
        this.refillPerNano = perMinute / (double) Duration.ofMinutes(1).toNanos();
    }

    /** Spends one call of {@code clientId}'s, or refuses with {@code too_many_requests}. */
    public void acquire(String clientId) {
        long now = nanos();
        TokenBucket bucket = buckets.get(clientId);
        if (bucket == null) {
            if (buckets.size() > SWEEP_ABOVE) {
                sweepAtMostOncePerSecond(now);
            }
            bucket = buckets.computeIfAbsent(clientId, id -> new TokenBucket(capacity, now));
        }
        long wait = bucket.takeOrWait(now, capacity, refillPerNano);
        if (wait > 0) {
            long seconds = Math.max(1, Duration.ofNanos(wait).toSeconds() + 1);
            throw LatchkeyException.tooManyRequests(
                    "Too many " + what + " from this client; retry after " + seconds + " seconds.", seconds);
        }
    }

    /** How many buckets are in memory (for tests). */
    int tracked() {
        return buckets.size();
    }

    private void sweepAtMostOncePerSecond(long now) {
        long last = lastSweep.get();
        if (now - last < 1_000_000_000L || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        buckets.values().removeIf(bucket -> bucket.isFull(now, capacity, refillPerNano));
    }

    private long nanos() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
