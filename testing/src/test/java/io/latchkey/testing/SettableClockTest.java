package io.latchkey.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SettableClockTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void timeStandsStillUntilTheTestMovesIt() {
        SettableClock clock = SettableClock.at(START);

        assertThat(clock.instant()).isEqualTo(START);
        clock.advance(Duration.ofMinutes(2));
        assertThat(clock.instant()).isEqualTo(START.plus(Duration.ofMinutes(2)));
        clock.set(START.minusSeconds(1));
        assertThat(clock.millis()).isEqualTo(START.minusSeconds(1).toEpochMilli());
    }

    @Test
    void concurrentAdvancesAreNeverLost() throws Exception {
        SettableClock clock = SettableClock.at(START);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        for (int i = 0; i < 4_000; i++) {
            threads.execute(() -> clock.advance(Duration.ofMillis(1)));
        }
        threads.shutdown();
        assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        assertThat(clock.instant()).isEqualTo(START.plusMillis(4_000));
    }

    @Test
    void aZoneDoesNotDetachTheClockFromTheTest() {
        SettableClock clock = SettableClock.at(START);

        assertThat(clock.withZone(java.time.ZoneId.of("Europe/Paris"))).isSameAs(clock);
    }
}
