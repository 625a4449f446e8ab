package io.latchkey.server.metrics;

import io.latchkey.core.error.ErrorCode;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What this instance did minute by minute over the last hour, for the console's overview: access
 * tokens issued, and error answers by error code. Counted where {@code latchkey_tokens_issued_total}
 * and {@code latchkey_errors_total} are ({@link TokensIssued}, {@link LatchkeyMetrics#countError}),
 * held in memory only, per instance.
 *
 * <p>Each series is a ring of {@link #MINUTES} slots, one per minute of the hour (minute since the
 * epoch modulo 60). A slot is one {@code long}: the minute it counts in the high 32 bits, the count
 * in the low 32. Counting reads the clock and compares-and-sets that one word: no lock, no
 * allocation, and no reset to race with, since a slot still stamped with a minute an hour old
 * starts over at 1 in the same step. A reader takes a slot only if its stamp is a minute of the
 * last hour, so a slot nobody counted in for an hour reads as zero without anyone clearing it.
 * Four billion of one thing in one minute on one instance would overflow a count: not a concern.
 *
 * <p>Tokens are counted on every event loop at once, so their ring is striped as a
 * {@code LongAdder} is: {@link #STRIPES} rings, a thread counting in the one its id picks (event
 * loops are started one after another and get neighbouring ids, so each has its own), 480 bytes
 * apart, so that two cores do not pass one cache line back and forth on every token. A reader sums
 * the stripes. Errors, rarer and already dearer to answer, share one ring.
 */
public final class RecentActivity {
    /** The slots of a ring: one hour of minutes. */
    public static final int MINUTES = 60;
    /** Token rings (a power of two): as many as event loops on most machines. */
    static final int STRIPES = 8;
    private static final long MINUTE_MILLIS = 60_000L;
    private static final long COUNT_BITS = 0xFFFF_FFFFL;
    private static final ErrorCode[] CODES = ErrorCode.values();

    private final Clock clock;
    private final AtomicLongArray tokens = new AtomicLongArray(STRIPES * MINUTES);
    private final AtomicLongArray errors = new AtomicLongArray(CODES.length * MINUTES);

    RecentActivity(Clock clock) {
        this.clock = clock;
    }

    /** Counts one access token issued now. */
    void countToken() {
        count(tokens, ((int) Thread.currentThread().getId() & (STRIPES - 1)) * MINUTES);
    }

    /** Counts one error answer with {@code code} now. */
    void countError(ErrorCode code) {
        count(errors, code.ordinal() * MINUTES);
    }

    private void count(AtomicLongArray ring, int offset) {
        long minute = clock.millis() / MINUTE_MILLIS;
        int slot = offset + (int) (minute % MINUTES);
        long stamp = minute << 32;
        while (true) {
            long seen = ring.get(slot);
            long next = (seen & ~COUNT_BITS) == stamp ? seen + 1 : stamp | 1;
            if (ring.compareAndSet(slot, seen, next)) {
                return;
            }
        }
    }

    /** The last hour as of now: each minute's tokens, and the hour's errors by code (those with any). */
    public Snapshot snapshot() {
        long current = clock.millis() / MINUTE_MILLIS;
        long first = current - MINUTES + 1;
        long[] perMinute = new long[MINUTES];
        for (int i = 0; i < MINUTES; i++) {
            for (int stripe = 0; stripe < STRIPES; stripe++) {
                perMinute[i] += read(tokens, stripe * MINUTES, first + i);
            }
        }
        Map<ErrorCode, Long> byCode = new EnumMap<>(ErrorCode.class);
        for (ErrorCode code : CODES) {
            long total = 0;
            for (long minute = first; minute <= current; minute++) {
                total += read(errors, code.ordinal() * MINUTES, minute);
            }
            if (total != 0) {
                byCode.put(code, total);
            }
        }
        return new Snapshot(Instant.ofEpochMilli(first * MINUTE_MILLIS), perMinute, byCode);
    }

    private static long read(AtomicLongArray ring, int offset, long minute) {
        long value = ring.get(offset + (int) (minute % MINUTES));
        return value >>> 32 == minute ? value & COUNT_BITS : 0;
    }

    /**
     * One reading of the last hour.
     *
     * @param firstMinute     the start of the oldest minute; the newest, the current one, is still going
     * @param tokensPerMinute access tokens issued in each minute, oldest first ({@link #MINUTES} of them)
     * @param errorsByCode    error answers of the hour by error code, codes without any left out
     */
    public record Snapshot(Instant firstMinute, long[] tokensPerMinute, Map<ErrorCode, Long> errorsByCode) {
    }
}
