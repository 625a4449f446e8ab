package io.latchkey.core.ratelimit;

import io.latchkey.core.error.LatchkeyException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down guessing: failed authentications (a wrong client secret, a wrong API key, an invalid
 * refresh token) spend tokens from two buckets, one per source address and one per credential and
 * address; an empty bucket answers 429 with {@code Retry-After} until it refills.
 *
 * <p>Only failures spend: a client that authenticates correctly never waits, however often it
 * asks. The credential bucket is keyed by credential <em>and</em> address, so an attacker failing
 * against a partner's client id cannot lock that partner out from its own address; the address
 * bucket, {@value #ADDRESS_FACTOR} times larger, stops one address from cycling through ids.
 *
 * <p>Memory is bounded: a full bucket is the same as none and is swept away; if the table is still
 * full, new keys are not tracked (fail open), which is safe because every secret carries 256 bits.
 */
public final class FailedAttemptLimiter {
    static final int ADDRESS_FACTOR = 5;
    private static final Logger LOG = LoggerFactory.getLogger(FailedAttemptLimiter.class);

    private final Clock clock;
    private final double burst;
    private final double refillPerNano;
    private final int maxTracked;
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final AtomicBoolean warnedFull = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong lastSweep = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE / 2);

    /**
     * @param burst       failures allowed at once per credential and address
     * @param perMinute   failures regained per minute
     * @param maxTracked  the most buckets kept in memory
     */
    public FailedAttemptLimiter(Clock clock, int burst, int perMinute, int maxTracked) {
        if (burst < 1 || perMinute < 1 || maxTracked < 1) {
            throw new IllegalArgumentException("rate-limit burst, rate and table size must be positive");
        }
        this.clock = clock;
        this.burst = burst;
        this.refillPerNano = perMinute / (double) Duration.ofMinutes(1).toNanos();
        this.maxTracked = maxTracked;
    }

    /** A limiter that never limits, for tests and benchmarks that measure something else. */
    public static FailedAttemptLimiter unlimited(Clock clock) {
        return new FailedAttemptLimiter(clock, Integer.MAX_VALUE / ADDRESS_FACTOR, Integer.MAX_VALUE / 2, 1);
    }

    /**
     * Refuses with {@code too_many_requests} when {@code address}, or {@code credential} from it,
     * has failed too often.
     *
     * @param credential a client id or API-key marker; null when none is known yet
     */
    public void check(String address, String credential) {
        long now = nanos();
        long wait = Math.max(waitNanos(addressKey(address), now, burst * ADDRESS_FACTOR),
                credential == null ? 0 : waitNanos(credentialKey(address, credential), now, burst));
        if (wait > 0) {
            throw LatchkeyException.tooManyRequests(retryAfterSeconds(wait));
        }
    }

    /**
     * Refuses with {@code too_many_requests} when {@code credential} has failed too often from
     * {@code address}: asked before the credential is tried, so that guessing one client's secret
     * stays slow. The address alone refuses nothing here (see {@link #refuseFailureIfAddressLocked}).
     */
    public void checkCredential(String address, String credential) {
        if (credential == null) {
            return;
        }
        long wait = waitNanos(credentialKey(address, credential), nanos(), burst);
        if (wait > 0) {
            throw LatchkeyException.tooManyRequests(retryAfterSeconds(wait));
        }
    }

    /**
     * Asked after an attempt failed: refuses with {@code too_many_requests} when its address had
     * already failed too often. An address is often shared (a proxy, a NAT), so it refuses only
     * attempts that fail: a partner behind it with the right credential is never locked out by
     * another's guessing.
     */
    public void refuseFailureIfAddressLocked(String address) {
        long wait = waitNanos(addressKey(address), nanos(), burst * ADDRESS_FACTOR);
        if (wait > 0) {
            throw LatchkeyException.tooManyRequests(retryAfterSeconds(wait));
        }
    }

    private static long retryAfterSeconds(long waitNanos) {
        return Math.max(1, Duration.ofNanos(waitNanos).toSeconds() + 1);
    }

    /** Spends one failure from both buckets; whether this failure emptied one (a lock begins). */
    public boolean recordFailure(String address, String credential) {
        long now = nanos();
        boolean locked = spend(addressKey(address), now, burst * ADDRESS_FACTOR);
        if (credential != null) {
            locked |= spend(credentialKey(address, credential), now, burst);
        }
        return locked;
    }

    /** How many buckets are in memory (for tests and metrics). */
    public int tracked() {
        return buckets.size();
    }

    private long waitNanos(String key, long now, double capacity) {
        TokenBucket bucket = buckets.get(key);
        return bucket == null ? 0 : bucket.nanosUntilAvailable(now, capacity, refillPerNano);
    }

    private boolean spend(String key, long now, double capacity) {
        TokenBucket bucket = buckets.get(key);
        if (bucket == null) {
            if (buckets.size() >= maxTracked) {
                sweepAtMostOncePerSecond(now);
                if (buckets.size() >= maxTracked) {
                    if (warnedFull.compareAndSet(false, true)) {
                        LOG.warn("Failed-attempt table is full ({} entries); new sources are not limited", maxTracked);
                    }
                    return false;
                }
            }
            bucket = buckets.computeIfAbsent(key, k -> new TokenBucket(capacity, now));
        }
        return bucket.take(now, capacity, refillPerNano);
    }

    /** A sweep walks the whole table: under a flood it must not run on every failure. */
    private void sweepAtMostOncePerSecond(long now) {
        long last = lastSweep.get();
        if (now - last < 1_000_000_000L || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        buckets.entrySet().removeIf(entry -> entry.getValue().isFull(now, capacityOf(entry.getKey()), refillPerNano));
    }

    private double capacityOf(String key) {
        return key.startsWith("a|") ? burst * ADDRESS_FACTOR : burst;
    }

    private static String addressKey(String address) {
        return "a|" + address;
    }

    private static String credentialKey(String address, String credential) {
        return "c|" + address + "|" + credential;
    }

    private long nanos() {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
