package io.latchkey.client.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Waits between retries. Behind an interface so tests move a clock instead of waiting. */
@FunctionalInterface
public interface Sleeper {
    Sleeper REAL = delay -> TimeUnit.NANOSECONDS.sleep(delay.toNanos());

    void sleep(Duration delay) throws InterruptedException;
}
