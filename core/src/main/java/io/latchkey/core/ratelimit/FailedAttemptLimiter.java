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
 * <p>Memory is bounded, by entries and by bytes: keys are short by construction (an address is a
 * canonical IP literal, a credential a well-formed client id or a fixed marker, never the raw text
 * a caller sent); a full bucket is the same as none and is swept away every
 * {@value #SWEEP_INTERVAL_SECONDS} seconds; and if the table is still at its bound, new keys are
 * not tracked (fail open), which is safe because every secret carries 256 bits.
 */
public final class FailedAttemptLimiter {
    static final int ADDRESS_FACTOR = 5;
    static final int SWEEP_INTERVAL_SECONDS = 10;
    /** What an entry costs besides its key's characters: the map node, the bucket, the String. */
    static final int ENTRY_OVERHEAD_BYTES = 120;
    private static final Logger LOG = LoggerFactory.getLogger(FailedAttemptLimiter.class);

    private final Clock clock;
    private final double burst;
    private final double refillPerNano;
    private final int maxTracked;
    private final long maxBytes;
    private final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final AtomicBoolean warnedFull = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong lastSweep = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE / 2);

    /**
     * @param burst       failures allowed at once per credential and address
     * @param perMinute   failures regained per minute
     * @param maxTracked  the most buckets kept in memory
     */
    public FailedAttemptLimiter(Clock clock, int burst, int perMinute, int maxTracked) {
        this(clock, burst, perMinute, maxTracked, (long) maxTracked * (ENTRY_OVERHEAD_BYTES + 2 * 64));
    }

    /**
     * @param burst       failures allowed at once per credential and address
     * @param perMinute   failures regained per minute
     * @param maxTracked  the most buckets kept in memory
     * @param maxBytes    the most bytes those buckets may take, about
     */
    public FailedAttemptLimiter(Clock clock, int burst, int perMinute, int maxTracked, long maxBytes) {
        if (burst < 1 || perMinute < 1 || maxTracked < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("rate-limit burst, rate and table size must be positive");
        }
        this.clock = clock;
        this.burst = burst;
        this.refillPerNano = perMinute / (double) Duration.ofMinutes(1).toNanos();
        this.maxTracked = maxTracked;
        this.maxBytes = maxBytes;
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

    /** About how many bytes the buckets in memory take (for tests and metrics). */
    public long trackedBytes() {
        return bytes.get();
    }

    private long waitNanos(String key, long now, double capacity) {
        TokenBucket bucket = buckets.get(key);
        return bucket == null ? 0 : bucket.nanosUntilAvailable(now, capacity, refillPerNano);
    }

    private boolean spend(String key, long now, double capacity) {
        TokenBucket bucket = buckets.get(key);
        if (bucket == null) {
            sweepIfDue(now, SWEEP_INTERVAL_SECONDS * 1_000_000_000L);
            if (buckets.size() >= maxTracked || bytes.get() >= maxBytes) {
                sweepIfDue(now, 1_000_000_000L);
                if (buckets.size() >= maxTracked || bytes.get() >= maxBytes) {
                    if (warnedFull.compareAndSet(false, true)) {
                        LOG.warn("Failed-attempt table is full ({} entries, about {} bytes); new sources are not "
                                + "limited", buckets.size(), bytes.get());
                    }
                    return false;
                }
            }
            bucket = buckets.computeIfAbsent(key, k -> {
                bytes.addAndGet(cost(k));
                return new TokenBucket(capacity, now);
            });
        }
        return bucket.take(now, capacity, refillPerNano);
    }

    /** A sweep walks the whole table: it runs at most once per {@code intervalNanos}, whoever asks. */
    private void sweepIfDue(long now, long intervalNanos) {
        long last = lastSweep.get();
        if (now - last < intervalNanos || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        buckets.entrySet().removeIf(entry -> {
            boolean full = entry.getValue().isFull(now, capacityOf(entry.getKey()), refillPerNano);
            if (full) {
                bytes.addAndGet(-cost(entry.getKey()));
            }
            return full;
        });
    }

    private static long cost(String key) {
        return ENTRY_OVERHEAD_BYTES + 2L * key.length();
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
