package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.WebhookReceiver.Received;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §10, "survives a restart or {@code kill -9}": the server runs as a process of its own;
 * changes are acknowledged while the receiver refuses every delivery; the process is killed with
 * SIGKILL; started again on the same data dir, it delivers every one of them (each event under
 * one {@code webhook-id}, however often it was tried).
 */
@Tag("sqlite-only") // the process runs on the embedded store, whichever store the suite targets
class WebhookKillTest {
    private static final Map<String, String> ENVIRONMENT = Map.of("LATCHKEY_WEBHOOK_ALLOW_PRIVATE", "true",
            "LATCHKEY_WEBHOOK_RETRY_MIN", "PT0.2S");

    @Test
    void deliveriesPendingAtAKillDashNineAreSentAfterTheRestart(@TempDir Path dataDir) throws Exception {
        List<String> clients = new ArrayList<>();
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.answer(503);
            try (ServerProcess server = ServerProcess.start(List.of(), ENVIRONMENT, dataDir, TestServer.ADMIN_KEY)) {
                HttpResponse<String> created = server.post("/admin/webhooks", "application/json",
                        "{\"url\":\"" + receiver.url("/") + "\",\"events\":[\"client.created\"]}",
                        "X-API-Key", TestServer.ADMIN_KEY);
                assertThat(created.statusCode()).isEqualTo(201);
                for (int i = 0; i < 5; i++) {
                    HttpResponse<String> client = server.post("/admin/clients", "application/json",
                            "{\"partnerId\":\"acme\"}", "X-API-Key", TestServer.ADMIN_KEY);
                    assertThat(client.statusCode()).isEqualTo(201);
                    clients.add(TestServer.json(client).get("clientId").asText());
                }
                receiver.awaitReceived(Duration.ofSeconds(20), all -> !all.isEmpty());
                server.kill();
            }
            int beforeRestart = receiver.received().size();
            receiver.answer(200);

            try (ServerProcess server = ServerProcess.start(List.of(), ENVIRONMENT, dataDir, TestServer.ADMIN_KEY)) {
                List<Received> received = receiver.awaitReceived(Duration.ofSeconds(60),
                        all -> clients.stream().allMatch(id -> all.stream().skip(beforeRestart)
                                .anyMatch(r -> r.body().contains(id))));

                Map<String, List<String>> idsByClient = clients.stream().collect(Collectors.toMap(id -> id,
                        id -> received.stream().filter(r -> r.body().contains(id)).map(Received::id).distinct()
                                .toList()));
                assertThat(idsByClient.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));
                List<String> firstDeliveredOrder = received.stream().skip(beforeRestart)
                        .map(r -> clients.stream().filter(id -> r.body().contains(id)).findFirst().orElseThrow())
                        .distinct().toList();
                assertThat(firstDeliveredOrder).isEqualTo(clients);
            }
        }
    }
}
