package io.latchkey.core.usage;

import io.latchkey.core.client.Client;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.error.LatchkeyException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Counts the access tokens each client gets, and caps them at its {@code tokensPerHour} (SPEC
 * §10), without a store write per token.
 *
 * <p>The hot path ({@link #admit}, {@link #count}) takes no lock and allocates nothing once a
 * client has its meter: a {@link ConcurrentHashMap#get} and a {@link LongAdder}, whose striped
 * cells let every event loop count without contending on one cache line. Every few seconds
 * {@link #fold} adds each meter's pending count to the store's row for the current minute (one
 * transaction for all clients) and reads back every client's total of the last hour, which all
 * instances have added to: so the cap holds across instances, give or take what they counted since
 * their last fold. A fold takes a pending count by reading it and subtracting what it read once
 * the store has it, never by resetting, so a token counted meanwhile is never lost; a fold that
 * fails subtracts nothing, and the next one carries the count. Folds run one at a time (two would
 * both add the same pending count): the timer's skips a round while another is running.
 *
 * <p>The check and the count are not one atomic step: requests of one client racing past its cap
 * together may each be admitted, so a cap can be exceeded by about as many requests as were in
 * flight at once. There is one meter per client that got a token since start, kept for the life
 * of the process (a few dozen bytes each; keys are authenticated client ids, so bounded).
 */
public final class TokenUsage {
    /** How often the counts of one instance reach the store at most. */
    public static final Duration FOLD_INTERVAL = Duration.ofSeconds(5);
    static final Duration HOUR = Duration.ofHours(1);
    static final Duration DAY = Duration.ofDays(1);
    private static final Function<String, Meter> NEW_METER = id -> new Meter();

    /** Counts nothing and caps nothing: for tools that issue no tokens. */
    public static final TokenUsage NONE = new TokenUsage(null, Clock.systemUTC());

    private final UsageStore store;
    private final Clock clock;
    private final ConcurrentHashMap<String, Meter> meters = new ConcurrentHashMap<>();
    private final ReentrantLock folding = new ReentrantLock();

    public TokenUsage(UsageStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Refuses {@code client} a token with {@code too_many_requests} when it has had its
     * {@code tokensPerHour} in the last hour; {@code Retry-After} says when its earliest counted
     * minute leaves the hour.
     */
    public void admit(Client client) {
        long cap = client.limits().tokensPerHour();
        if (cap == 0 || store == null) {
            return;
        }
        Meter meter = meters.get(client.id().value());
        if (meter == null || meter.hourTotal + meter.pending.sum() < cap) {
            return;
        }
        long now = clock.millis();
        long earliest = meter.earliestMinute == 0 ? minuteOf(now) : meter.earliestMinute;
        long seconds = Math.max(1, (earliest + HOUR.toMillis() - now + 999) / 1000);
        throw LatchkeyException.tooManyRequests("The client has had its " + cap + " access tokens for this hour;"
                + " cache them until they expire, or retry after " + seconds + " seconds.", seconds);
    }

    /** Counts one access token issued to {@code client}. */
    public void count(Client client) {
        if (store == null) {
            return;
        }
        String id = client.id().value();
        Meter meter = meters.get(id);
        if (meter == null) {
            meter = meters.computeIfAbsent(id, NEW_METER);
        }
        meter.pending.increment();
    }

    /**
     * Adds what this instance counted since the last fold to the store, then reads every client's
     * total of the last hour back; waits for a fold already running. Returns how many tokens it added.
     */
    public long fold() {
        folding.lock();
        try {
            return foldNow();
        } finally {
            folding.unlock();
        }
    }

    /** As {@link #fold}, unless a fold is running (a slow store): then nothing, and the next round catches up. */
    public long foldUnlessBusy() {
        if (!folding.tryLock()) {
            return 0;
        }
        try {
            return foldNow();
        } finally {
            folding.unlock();
        }
    }

    private long foldNow() {
        if (store == null || meters.isEmpty()) {
            return 0;
        }
        Instant now = clock.instant();
        Map<String, Long> taken = new HashMap<>();
        meters.forEach((id, meter) -> {
            long pending = meter.pending.sum();
            if (pending != 0) {
                taken.put(id, pending);
            }
        });
        long added = 0;
        if (!taken.isEmpty()) {
            store.add(taken, now.truncatedTo(ChronoUnit.MINUTES));
            for (Map.Entry<String, Long> entry : taken.entrySet()) {
                meters.get(entry.getKey()).pending.add(-entry.getValue()); // the store has them now
                added += entry.getValue();
            }
        }
        // Until the totals are read back, the cap misses what was just folded: for the length of one query.
        Map<String, UsageStore.Window> totals = store.since(windowStart(now, HOUR));
        for (Map.Entry<String, Meter> entry : meters.entrySet()) {
            Meter meter = entry.getValue();
            UsageStore.Window window = totals.get(entry.getKey());
            meter.hourTotal = window == null ? 0 : window.tokens();
            meter.earliestMinute = window == null ? 0 : window.earliestMinute().toEpochMilli();
        }
        return added;
    }

    /** What {@code client} got in the last hour and day: the store's sums and what this instance holds yet. */
    public ClientUsage usage(Client client) {
        Instant now = clock.instant();
        Meter meter = meters.get(client.id().value());
        // Pending first, the store after: a fold in between is then counted twice for a moment, never missed.
        long pending = meter == null ? 0 : meter.pending.sum();
        ClientId id = client.id();
        return new ClientUsage(store.count(id, windowStart(now, HOUR)) + pending,
                store.count(id, windowStart(now, DAY)) + pending, client.limits().tokensPerHour());
    }

    /**
     * Every client's access tokens of the last hour, as {@link #usage} counts them (the store's
     * sums and what this instance holds yet): client id to count, clients without any left out.
     */
    public Map<String, Long> lastHour() {
        if (store == null) {
            return Map.of();
        }
        Instant now = clock.instant();
        Map<String, Long> counts = new HashMap<>();
        meters.forEach((id, meter) -> {
            long pending = meter.pending.sum();
            if (pending != 0) {
                counts.put(id, pending);
            }
        });
        store.since(windowStart(now, HOUR)).forEach((id, window) -> counts.merge(id, window.tokens(), Long::sum));
        return counts;
    }

    /** Forgets the minutes older than a day (the purge, by one instance at a time); how many rows went. */
    public int purge() {
        return store == null ? 0 : store.purgeBefore(windowStart(clock.instant(), DAY));
    }

    /** The first minute counted in the window of {@code length} that ends now (the current minute included). */
    private static Instant windowStart(Instant now, Duration length) {
        return now.truncatedTo(ChronoUnit.MINUTES).minus(length).plus(Duration.ofMinutes(1));
    }

    private static long minuteOf(long millis) {
        return millis - Math.floorMod(millis, 60_000L);
    }

    /** One client's counts: pending (not yet in the store) and the last hour's total as last read. */
    private static final class Meter {
        final LongAdder pending = new LongAdder();
        volatile long hourTotal;
        volatile long earliestMinute;
    }
}
