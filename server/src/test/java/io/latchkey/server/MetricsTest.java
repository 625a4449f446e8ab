package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.latchkey.server.TestServer.Credentials;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics}: Prometheus text whose counters move by exactly what the requests did,
 * latency by route template (never the raw path), and the optional metrics token.
 */
class MetricsTest {
    private static final String METRICS_TOKEN = "metrics-token-0123456789abcdef";

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void countersMoveByExactlyWhatTheRequestsDid() {
        server = TestServer.start();
        Credentials client = server.createClient("acme");
        PrometheusText before = scrape();

        server.token(client);
        server.token(client);
        HttpResponse<String> pipeline = server.pipeline(Map.of("grant_type", "client_credentials",
                "username", client.clientId(), "password", client.secret()));
        String refreshToken = TestServer.json(pipeline).get("refresh_token").asText();
        HttpResponse<String> refreshed = server.pipeline(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
        HttpResponse<String> reused = server.pipeline(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
        HttpResponse<String> wrongSecret = server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                "Authorization", new Credentials(client.clientId(), "wrong").basic());
        PrometheusText after = scrape();

        assertThat(pipeline.statusCode()).isEqualTo(200);
        assertThat(refreshed.statusCode()).isEqualTo(200);
        assertThat(reused.statusCode()).isEqualTo(400);
        assertThat(wrongSecret.statusCode()).isEqualTo(401);
        assertThat(delta(before, after, "latchkey_tokens_issued_total",
                "endpoint", "/oauth2/token", "grant", "client_credentials")).isEqualTo(2);
        assertThat(delta(before, after, "latchkey_tokens_issued_total",
                "endpoint", "/pipeline/oauth2", "grant", "client_credentials")).isEqualTo(1);
        assertThat(delta(before, after, "latchkey_tokens_issued_total",
                "endpoint", "/pipeline/oauth2", "grant", "refresh_token")).isEqualTo(1);
        assertThat(delta(before, after, "latchkey_tokens_issued_total",
                "endpoint", "/oauth2/token", "grant", "refresh_token")).isZero();
        assertThat(delta(before, after, "latchkey_refresh_reuse_detected_total")).isEqualTo(1);
        assertThat(delta(before, after, "latchkey_errors_total", "error", "invalid_grant")).isEqualTo(1);
        assertThat(delta(before, after, "latchkey_errors_total", "error", "invalid_client")).isEqualTo(1);
        assertThat(delta(before, after, "latchkey_errors_total")).isEqualTo(2);
        assertThat(delta(before, after, "latchkey_http_requests_seconds_count",
                "route", "/oauth2/token", "method", "POST", "status", "200")).isEqualTo(2);
        assertThat(delta(before, after, "latchkey_http_requests_seconds_count",
                "route", "/oauth2/token", "method", "POST", "status", "401")).isEqualTo(1);
        assertThat(delta(before, after, "latchkey_http_requests_seconds_count",
                "route", "/pipeline/oauth2", "method", "POST")).isEqualTo(3);
        assertThat(after.has("latchkey_http_requests_seconds_bucket",
                "route", "/oauth2/token", "status", "200", "le", "+Inf")).isTrue();
        assertThat(after.value("latchkey_clients_active")).isEqualTo(1);
        assertThat(after.value("latchkey_store_connections", "state", "max")).isGreaterThanOrEqualTo(1);
        assertThat(after.names()).contains("jvm_memory_used_bytes", "jvm_threads_live_threads",
                "jvm_gc_memory_allocated_bytes_total", "process_uptime_seconds", "system_cpu_count");
    }

    @Test
    void tokensForARegisteredApiAreCountedUnderItsIdentifierAndOthersUnderNone() {
        server = TestServer.start();
        String identifier = ApisTest.uniqueIdentifier();
        JsonNode orders = ApisTest.createApi(server, identifier, null, "orders:read");
        Credentials client = server.createClient("acme");
        assertThat(ApisTest.grant(server, client, orders, "orders:read").statusCode()).isEqualTo(200);
        PrometheusText before = scrape();

        HttpResponse<String> forOrders = server.postForm("/oauth2/token",
                Map.of("grant_type", "client_credentials", "resource", identifier), "Authorization", client.basic());
        String refreshToken = TestServer.json(forOrders).get("refresh_token").asText();
        // Without resource, a refresh of an API's token stays with that API (SPEC §6).
        HttpResponse<String> refreshed = server.postForm("/oauth2/token",
                Map.of("grant_type", "refresh_token", "refresh_token", refreshToken), "Authorization", client.basic());
        server.token(client);
        HttpResponse<String> pipeline = server.pipeline(Map.of("grant_type", "client_credentials",
                "username", client.clientId(), "password", client.secret(), "resource", identifier));
        PrometheusText after = scrape();

        assertThat(forOrders.statusCode()).as(forOrders.body()).isEqualTo(200);
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        assertThat(pipeline.statusCode()).as(pipeline.body()).isEqualTo(200);
        assertThat(delta(before, after, "latchkey_tokens_issued_total", "endpoint", "/oauth2/token",
                "grant", "client_credentials", "api", identifier)).isEqualTo(1);
        assertThat(delta(before, after, "latchkey_tokens_issued_total", "endpoint", "/oauth2/token",
                "grant", "refresh_token", "api", identifier)).isEqualTo(1);
        assertThat(delta(before, after, "latchkey_tokens_issued_total", "endpoint", "/oauth2/token",
                "grant", "client_credentials", "api", "none")).isEqualTo(1);
        assertThat(delta(before, after, "latchkey_tokens_issued_total", "endpoint", "/pipeline/oauth2",
                "grant", "client_credentials", "api", identifier)).isEqualTo(1);
        assertThat(delta(before, after, "latchkey_tokens_issued_total")).isEqualTo(4);
    }

    @Test
    void rateLimitRejectionsAreCounted() {
        server = TestServer.start(config -> config.authFailureBurst(2).authFailurePerMinute(1));
        Credentials guess = new Credentials(server.createClient("acme").clientId(), "wrong-secret");
        PrometheusText before = scrape();

        for (int i = 0; i < 2; i++) {
            assertThat(server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                    "Authorization", guess.basic()).statusCode()).isEqualTo(401);
        }
        assertThat(server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                "Authorization", guess.basic()).statusCode()).isEqualTo(429);
        PrometheusText after = scrape();

        assertThat(delta(before, after, "latchkey_rate_limit_rejections_total")).isEqualTo(1);
        assertThat(delta(before, after, "latchkey_errors_total", "error", "too_many_requests")).isEqualTo(1);
        assertThat(delta(before, after, "latchkey_errors_total", "error", "invalid_client")).isEqualTo(2);
    }

    @Test
    void activeClientsFollowCreationAndDeletion() {
        server = TestServer.start();
        assertThat(scrape().value("latchkey_clients_active")).isZero();
        Credentials first = server.createClient("acme");
        server.createClient("globex");
        assertThat(scrape().value("latchkey_clients_active")).isEqualTo(2);

        assertThat(server.admin("DELETE", "/admin/clients/" + first.clientId(), null).statusCode()).isEqualTo(200);

        assertThat(scrape().value("latchkey_clients_active")).isEqualTo(1);
        server.restart(); // a fresh count from the store

        assertThat(scrape().value("latchkey_clients_active")).isEqualTo(1);
    }

    @Test
    void latencyIsLabelledWithTheRouteTemplateNeverTheRawPath() {
        server = TestServer.start();
        Credentials client = server.createClient("acme");
        server.admin("GET", "/admin/clients/" + client.clientId(), null);
        server.get("/no/such/path/" + client.clientId());

        String text = server.get("/metrics").body();

        assertThat(text).doesNotContain(client.clientId());
        PrometheusText metrics = PrometheusText.parse(text);
        assertThat(metrics.value("latchkey_http_requests_seconds_count",
                "route", "/admin/clients/:clientId", "method", "GET", "status", "200")).isEqualTo(1);
        assertThat(metrics.value("latchkey_http_requests_seconds_count",
                "route", "unmatched", "status", "404")).isEqualTo(1);
    }

    @Test
    void aConfiguredMetricsTokenIsRequiredAsABearerToken() {
        server = TestServer.start(config -> config.metricsToken(METRICS_TOKEN));

        HttpResponse<String> none = server.get("/metrics");
        HttpResponse<String> wrong = server.get("/metrics", "Authorization", "Bearer " + METRICS_TOKEN + "x");
        HttpResponse<String> basic = server.get("/metrics", "Authorization", "Basic " + METRICS_TOKEN);
        HttpResponse<String> right = server.get("/metrics", "Authorization", "Bearer " + METRICS_TOKEN);

        for (HttpResponse<String> refused : new HttpResponse[] {none, wrong, basic}) {
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    value -> assertThat(value).startsWith("Bearer "));
            assertThat(TestServer.json(refused).get("error").asText()).isEqualTo("invalid_token");
            assertThat(refused.body()).doesNotContain(METRICS_TOKEN);
        }
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(right.headers().firstValue("Content-Type")).hasValueSatisfying(
                value -> assertThat(value).startsWith("text/plain"));
        assertThat(PrometheusText.parse(right.body()).names()).contains("latchkey_tokens_issued_total");
    }

    @Test
    void withoutATokenMetricsAreOpen() {
        server = TestServer.start();
        server.get("/health/live");

        HttpResponse<String> response = server.get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("# TYPE latchkey_http_requests_seconds histogram");
    }

    private PrometheusText scrape() {
        HttpResponse<String> response = server.get("/metrics");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return PrometheusText.parse(response.body());
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, String... labels) {
        return after.value(name, labels) - before.value(name, labels);
    }
}
