package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on memory, against a real server process with the launcher's heap ({@code -Xmx128m}):
 * what the attacker sends must not become what the server keeps.
 */
@Tag("sqlite-only")
class MemoryBoundsTest {
    private static final String ADMIN_KEY = "lk_memory-bounds-test-admin-key-0123456789";
    private static final List<String> SMALL_HEAP = List.of("-Xmx128m", "-XX:+UseSerialGC");

    @TempDir
    Path dataDir;

    @Test
    void failedAttemptsWithHugeDistinctClientIdsFromManyAddressesDoNotGrowTheHeap() throws Exception {
        // Finding 1 of the second security review: each failure keyed the limiter (and the audit
        // log) with its raw 16 KiB client id, and 180 addresses x 50 failures ran out of heap.
        try (ServerProcess server = ServerProcess.start(SMALL_HEAP, dataDir, ADMIN_KEY,
                "--trusted-proxies", "127.0.0.1", "--auth-failure-burst", "5")) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            long before = server.heapAfterGc();
            String padding = "x".repeat(15_900);
            Map<Integer, Integer> statuses = new HashMap<>();
            for (int address = 0; address < 180; address++) {
                for (int attempt = 0; attempt < 50; attempt++) {
                    String body = "grant_type=client_credentials&client_secret=wrong&client_id="
                            + address + "-" + attempt + "-" + padding;
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + server.port() + "/oauth2/token"))
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .header("X-Forwarded-For", "198.51." + (100 + address / 200) + "." + address % 200)
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    statuses.merge(response.statusCode(), 1, Integer::sum);
                }
            }
            long after = server.heapAfterGc();

            assertThat(statuses.keySet()).containsOnly(401, 429);
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health/live"))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            // 9,000 attempts of 16 KiB each once kept about 140 MB; what is left must be noise.
            assertThat(after - before).as("heap growth after GC, bytes (before %d, after %d)", before, after)
                    .isLessThan(8L << 20);
        }
        assertThat(Files.exists(dataDir.resolve("latchkey.db"))).isTrue();
    }
}
