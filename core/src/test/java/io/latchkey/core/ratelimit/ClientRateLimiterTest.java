package io.latchkey.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ClientRateLimiterTest {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    };

    @Test
    void aClientMayCallPerMinuteTimesAtOnceThenIsToldWhenToRetry() {
        ClientRateLimiter limiter = new ClientRateLimiter(clock, "revocations", 6);
        for (int i = 0; i < 6; i++) {
            limiter.acquire("client-a");
        }

        assertThatThrownBy(() -> limiter.acquire("client-a")).isInstanceOfSatisfying(LatchkeyException.class, e -> {
            assertThat(e.error()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
            assertThat(e.retryAfterSeconds()).isBetween(10L, 11L); // one call regained every 10 s
            assertThat(e.getMessage()).isEqualTo("Too many revocations from this client; retry after "
                    + e.retryAfterSeconds() + " seconds.");
            assertThat(e.failedAuthentication()).isFalse();
        });
        assertThatCode(() -> limiter.acquire("client-b")).doesNotThrowAnyException();

        now = now.plus(Duration.ofSeconds(10));
        assertThatCode(() -> limiter.acquire("client-a")).doesNotThrowAnyException();
        assertThatThrownBy(() -> limiter.acquire("client-a")).isInstanceOf(LatchkeyException.class);
    }

    @Test
    void refusedCallsSpendNothing() {
        ClientRateLimiter limiter = new ClientRateLimiter(clock, "revocations", 60);
        for (int i = 0; i < 60; i++) {
            limiter.acquire("client-a");
        }
        for (int i = 0; i < 100; i++) {
            assertThatThrownBy(() -> limiter.acquire("client-a")).isInstanceOf(LatchkeyException.class);
        }

        now = now.plus(Duration.ofSeconds(1));
        assertThatCode(() -> limiter.acquire("client-a")).doesNotThrowAnyException();
    }

    @Test
    void clientsIdleForAMinuteAreSweptOnceTheTableIsLarge() {
        ClientRateLimiter limiter = new ClientRateLimiter(clock, "revocations", 10);
        for (int i = 0; i <= ClientRateLimiter.SWEEP_ABOVE; i++) {
            limiter.acquire("client-" + i);
        }
        now = now.plus(Duration.ofMinutes(1));

        limiter.acquire("client-new");

        assertThat(limiter.tracked()).isEqualTo(1);
    }
}
