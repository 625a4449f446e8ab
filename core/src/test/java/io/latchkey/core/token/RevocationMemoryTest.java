package io.latchkey.core.token;

import io.latchkey.testing.SettableClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.secret.SecretGenerator;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a million revocations cost in memory, measured as heap in use after a full collection
 * (bench/jmh's {@code RevocationMemory} prints the same for the report, and the old form's).
 */
class RevocationMemoryTest {
    private static final int REVOCATIONS = 1_000_000;

    @Test
    void aMillionRevokedAccessTokensTakeLessThan48BytesEachOfHeap() {
        SettableClock clock = SettableClock.at(Instant.parse("2030-01-01T00:00:00Z"));
        RevocationList list = new RevocationList(new MemoryRevocationStore(), new TokenSettings("https://issuer.test",
                List.of("api"), Duration.ofHours(1), Duration.ofDays(30)), clock);
        SecretGenerator ids = new SecretGenerator(new SecureRandom());
        Instant exp = clock.instant().plus(Duration.ofHours(1));
        long before = heapAfterCollection();

        for (int i = 0; i < REVOCATIONS; i++) {
            list.rememberAccessToken(ids.timeOrderedId(clock.instant()), exp);
        }
        long used = heapAfterCollection() - before;

        assertThat(list.remembered()).isEqualTo(REVOCATIONS);
        // 256 tables of 8,192 slots (about 3,900 entries each, less than three quarters full) of 20 bytes.
        assertThat(list.footprintBytes()).isLessThanOrEqualTo(256L * 8_192 * 20 + 256L * 16 * 20);
        assertThat(used).isLessThan(48L * REVOCATIONS);
        java.lang.ref.Reference.reachabilityFence(list);
    }

    private static long heapAfterCollection() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
