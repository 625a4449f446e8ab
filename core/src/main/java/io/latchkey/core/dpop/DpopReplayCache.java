package io.latchkey.core.dpop;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RFC 9449 §11.1: the {@code jti} of every proof accepted, kept while a proof with that {@code
 * iat} could still be accepted, so that none is accepted twice. In memory, per instance: a proof
 * names the request it is for ({@code htm}, {@code htu}) and lives a minute, and SPEC §7 asks for
 * no more than one instance's window.
 *
 * <p>Two generations instead of one expiry per entry: a {@code jti} goes into the current one, and
 * a lookup asks both; every {@code generation} the older one is dropped whole. An entry therefore
 * lives between one and two generations, which must be at least as long as a proof stays
 * acceptable after it arrives ({@code iat} up to the window ahead of now, plus the window).
 * Dropping a generation is one reference swap, so nothing scans the entries on the request path.
 */
final class DpopReplayCache {
    /** Far above any honest rate for one generation; past it proofs are refused, not memory grown. */
    static final int MAX_ENTRIES = 2_000_000;

    private final Clock clock;
    private final long generationMillis;
    private volatile Generations generations;

    private record Generations(long startedAt, ConcurrentHashMap<String, Boolean> current,
                               ConcurrentHashMap<String, Boolean> previous) {
    }

    DpopReplayCache(Clock clock, long generationMillis) {
        this.clock = clock;
        this.generationMillis = generationMillis;
        this.generations = new Generations(clock.millis(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    }

    /** Records {@code key}; false when it was seen within the window, or the cache is full. */
    boolean firstUse(String key) {
        Generations now = current();
        if (now.previous().containsKey(key) || now.current().size() >= MAX_ENTRIES) {
            return false;
        }
        return now.current().putIfAbsent(key, Boolean.TRUE) == null;
    }

    private Generations current() {
        Generations seen = generations;
        long now = clock.millis();
        if (now - seen.startedAt() < generationMillis) {
            return seen;
        }
        synchronized (this) {
            seen = generations;
            if (now - seen.startedAt() >= generationMillis) {
                // Two generations past: nothing in either is needed any more.
                ConcurrentHashMap<String, Boolean> kept = now - seen.startedAt() >= 2 * generationMillis
                        ? new ConcurrentHashMap<>() : seen.current();
                seen = new Generations(now, new ConcurrentHashMap<>(), kept);
                generations = seen;
            }
            return seen;
        }
    }
}
