package io.latchkey.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FailedAttemptLimiterTest {
    private final SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void theCredentialIsRefusedFromTheFailingAddressOnlyAfterTheBurst() {
        FailedAttemptLimiter limiter = new FailedAttemptLimiter(clock, 3, 60, 1_000);
        for (int i = 0; i < 3; i++) {
            limiter.check("10.0.0.1", "client:a");
            limiter.recordFailure("10.0.0.1", "client:a");
        }

        assertThatThrownBy(() -> limiter.check("10.0.0.1", "client:a"))
                .isInstanceOfSatisfying(LatchkeyException.class, e -> {
                    assertThat(e.error()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
                    assertThat(e.retryAfterSeconds()).isBetween(1L, 2L);
                });
        assertThatCode(() -> limiter.check("10.0.0.2", "client:a")).doesNotThrowAnyException();
        assertThatCode(() -> limiter.check("10.0.0.1", "client:b")).doesNotThrowAnyException();
    }

    @Test
    void anAddressCyclingThroughCredentialsIsStoppedByItsOwnBucket() {
        FailedAttemptLimiter limiter = new FailedAttemptLimiter(clock, 2, 60, 1_000);
        for (int i = 0; i < 2 * FailedAttemptLimiter.ADDRESS_FACTOR; i++) {
            limiter.recordFailure("10.0.0.1", "client:" + i);
        }

        assertThatThrownBy(() -> limiter.check("10.0.0.1", "client:new")).isInstanceOf(LatchkeyException.class);
    }

    @Test
    void aBucketRefillsWithTime() {
        FailedAttemptLimiter limiter = new FailedAttemptLimiter(clock, 1, 60, 1_000);
        limiter.recordFailure("10.0.0.1", "apikey");
        assertThatThrownBy(() -> limiter.check("10.0.0.1", "apikey")).isInstanceOf(LatchkeyException.class);

        clock.advance(Duration.ofSeconds(1));

        assertThatCode(() -> limiter.check("10.0.0.1", "apikey")).doesNotThrowAnyException();
    }

    @Test
    void memoryStaysBoundedUnderAFloodOfDistinctSources() {
        FailedAttemptLimiter limiter = new FailedAttemptLimiter(clock, 5, 60, 1_000);
        for (int i = 0; i < 100_000; i++) {
            limiter.recordFailure("10.0." + (i / 256 % 256) + "." + (i % 256) + "-" + i, "client:" + i);
        }

        assertThat(limiter.tracked()).isLessThanOrEqualTo(1_000);
    }

    @Test
    void fullBucketsAreSweptToMakeRoom() {
        FailedAttemptLimiter limiter = new FailedAttemptLimiter(clock, 5, 60, 10);
        for (int i = 0; i < 5; i++) {
            limiter.recordFailure("10.0.0." + i, null);
        }
        clock.advance(Duration.ofMinutes(1)); // every bucket has refilled: they are as good as absent

        limiter.recordFailure("10.0.1.1", null);
        limiter.recordFailure("10.0.1.1", "client:x");

        assertThat(limiter.tracked()).isLessThanOrEqualTo(10);
    }
}
