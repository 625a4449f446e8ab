package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** docs/grafana-dashboard.json queries only metrics that {@code /metrics} exposes, so it cannot rot. */
class GrafanaDashboardTest {
    private static final Path DASHBOARD = Path.of("..", "docs", "grafana-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\b(?:latchkey|jvm|process|system|hikaricp)_[a-zA-Z0-9_]+");

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyMetricTheDashboardQueriesIsExposed() throws IOException {
        Set<String> queried = queriedMetrics(TestServer.JSON.readTree(Files.readString(DASHBOARD)));
        assertThat(queried).contains("latchkey_tokens_issued_total", "latchkey_errors_total",
                "latchkey_http_requests_seconds_bucket", "latchkey_refresh_reuse_detected_total",
                "latchkey_rate_limit_rejections_total", "latchkey_clients_active", "latchkey_store_connections",
                "jvm_memory_used_bytes", "jvm_gc_pause_seconds_sum");
        server = TestServer.start();
        server.token(server.createClient("acme")); // a request of each kind the latency panels read

        // JVM GC meters appear with the first collection after the server bound them.
        System.gc();
        Set<String> exposed = awaitExposed(queried);

        assertThat(exposed).containsAll(queried);
    }

    private Set<String> awaitExposed(Set<String> wanted) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (true) {
            Set<String> exposed = PrometheusText.parse(server.get("/metrics").body()).names();
            if (exposed.containsAll(wanted) || Instant.now().isAfter(deadline)) {
                return exposed;
            }
            LockSupport.parkNanos(50_000_000);
        }
    }

    private static Set<String> queriedMetrics(JsonNode dashboard) {
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                Matcher matcher = METRIC.matcher(target.get("expr").asText());
                while (matcher.find()) {
                    names.add(matcher.group());
                }
            }
        }
        return names;
    }
}
