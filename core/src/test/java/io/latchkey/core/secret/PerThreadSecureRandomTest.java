package io.latchkey.core.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PerThreadSecureRandomTest {
    private final PerThreadSecureRandom random = new PerThreadSecureRandom();

    @Test
    void drawsDifferentBytesEveryTimeAndOnEveryThread() throws Exception {
        Set<String> drawn = ConcurrentHashMap.newKeySet();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            Set<Future<?>> running = new HashSet<>();
            for (int t = 0; t < 4; t++) {
                running.add(threads.submit(() -> {
                    SecretGenerator ids = new SecretGenerator(random);
                    for (int i = 0; i < 1_000; i++) {
                        drawn.add(ids.id());
                    }
                }));
            }
            for (Future<?> each : running) {
                each.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(drawn).hasSize(4_000);
    }
}
