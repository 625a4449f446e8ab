package io.latchkey.core.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.client.Client;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.ClientLimits;
import io.latchkey.core.client.Scopes;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TokenUsageTest {
    private final SettableClock clock = SettableClock.at(Instant.parse("2026-01-31T12:00:30Z"));
    private final MemoryUsageStore store = new MemoryUsageStore();
    private final TokenUsage usage = new TokenUsage(store, clock);

    @Test
    void tokensCountedWhileAFoldRunsAreNeverLost() throws Exception {
        Client client = client(0);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        CountDownLatch done = new CountDownLatch(4);
        for (int t = 0; t < 4; t++) {
            threads.execute(() -> {
                for (int i = 0; i < 25_000; i++) {
                    usage.count(client);
                    if (i % 5_000 == 0) {
                        usage.fold();
                    }
                }
                done.countDown();
            });
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        threads.shutdown();
        usage.fold();

        assertThat(store.count(client.id(), Instant.EPOCH)).isEqualTo(100_000);
        assertThat(usage.usage(client).lastHour()).isEqualTo(100_000);
    }

    @Test
    void aFoldThatFailsLeavesTheCountForTheNext() {
        Client client = client(0);
        usage.count(client);
        store.failing = true;

        assertThatThrownBy(usage::fold).isInstanceOf(IllegalStateException.class);
        store.failing = false;
        usage.fold();

        assertThat(store.count(client.id(), Instant.EPOCH)).isEqualTo(1);
    }

    @Test
    void theCapRefusesWithRetryAfterUntilTheEarliestMinuteLeavesTheHour() {
        Client client = client(2);
        usage.admit(client);
        usage.count(client);
        usage.count(client);
        usage.fold();

        clock.advance(Duration.ofMinutes(30));
        assertThatThrownBy(() -> usage.admit(client)).isInstanceOfSatisfying(LatchkeyException.class, refused -> {
            assertThat(refused.error()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
            // counted in the minute 12:00; it leaves the hour at 13:00, 29 min 30 s from 12:30:30
            assertThat(refused.retryAfterSeconds()).isEqualTo(1770);
        });
        clock.advance(Duration.ofSeconds(1770));
        usage.fold();
        usage.admit(client);
    }

    @Test
    void aClientWithoutACapIsNeverRefused() {
        Client client = client(0);
        for (int i = 0; i < 1_000; i++) {
            usage.admit(client);
            usage.count(client);
        }
        assertThat(usage.usage(client).lastDay()).isEqualTo(1_000);
    }

    private static Client client(long tokensPerHour) {
        return new Client(new ClientId("client-of-the-usage-test"), "p", null, Scopes.NONE, "hash", null, null,
                Instant.EPOCH, null, null, new ClientLimits(null, tokensPerHour));
    }

    /** The store's contract over a map: per client and minute, added to. */
    private static final class MemoryUsageStore implements UsageStore {
        final Map<String, TreeMap<Instant, Long>> rows = new ConcurrentHashMap<>();
        volatile boolean failing;

        @Override
        public synchronized void add(Map<String, Long> tokens, Instant minute) {
            if (failing) {
                throw new IllegalStateException("store down");
            }
            tokens.forEach((id, n) -> rows.computeIfAbsent(id, k -> new TreeMap<>()).merge(minute, n, Long::sum));
        }

        @Override
        public synchronized Map<String, Window> since(Instant since) {
            Map<String, Window> windows = new HashMap<>();
            rows.forEach((id, minutes) -> {
                var tail = minutes.tailMap(since, true);
                if (!tail.isEmpty()) {
                    windows.put(id, new Window(tail.values().stream().mapToLong(Long::longValue).sum(), tail.firstKey()));
                }
            });
            return windows;
        }

        @Override
        public synchronized long count(ClientId id, Instant since) {
            var minutes = rows.get(id.value());
            return minutes == null ? 0 : minutes.tailMap(since, true).values().stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public synchronized int purgeBefore(Instant before) {
            return 0;
        }
    }
}
