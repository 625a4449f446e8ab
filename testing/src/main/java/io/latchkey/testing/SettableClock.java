package io.latchkey.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until the test moves it, so expiry, grace periods and token lifetimes
 * are tested by {@link #advance advancing} time, never by sleeping. One instance can be shared by a
 * server, an SDK and the test: it is safe to read and move from any thread.
 */
public final class SettableClock extends Clock {
    private final AtomicReference<Instant> now;

    private SettableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /** A clock showing {@code start}. */
    public static SettableClock at(Instant start) {
        return new SettableClock(start);
    }

    /** A clock showing the real time of its creation, then moving only when told to. */
    public static SettableClock startingNow() {
        return new SettableClock(Instant.now());
    }

    /** Moves the clock on by {@code duration} (backwards, if it is negative). */
    public void advance(Duration duration) {
        now.updateAndGet(instant -> instant.plus(duration));
    }

    /** Sets the clock to {@code instant}. */
    public void set(Instant instant) {
        now.set(instant);
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** The same clock: time is what the test says, whatever the zone. */
    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
