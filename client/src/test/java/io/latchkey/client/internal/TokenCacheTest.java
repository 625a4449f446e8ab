package io.latchkey.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.client.TokenSourceListener;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How long before expiry a token is renewed. */
class TokenCacheTest {
    private static TokenCache cache(Duration fixedLead) {
        return new TokenCache(null, null, Clock.systemUTC(), fixedLead, Duration.ofSeconds(1),
                TokenSourceListener.NONE, "client");
    }

    @Test
    void theDefaultLeadIsSixtySecondsOrATenthOfTheLifetimeWhicheverIsLess() {
        TokenCache cache = cache(null);

        assertThat(cache.lead(Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(60));
        assertThat(cache.lead(Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(30));
        assertThat(cache.lead(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aConfiguredLeadIsUsedButNeverLongerThanTheLifetime() {
        TokenCache cache = cache(Duration.ofMinutes(5));

        assertThat(cache.lead(Duration.ofHours(1))).isEqualTo(Duration.ofMinutes(5));
        assertThat(cache.lead(Duration.ofMinutes(2))).isEqualTo(Duration.ofMinutes(2));
    }
}
