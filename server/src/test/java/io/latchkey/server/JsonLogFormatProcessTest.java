package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code serve --log-format json} switches the real process's console to one JSON object per
 * line at start-up: what an operator's log shipper reads.
 */
@Tag("sqlite-only") // the process runs on the embedded store, whichever store the suite targets
class JsonLogFormatProcessTest {
    @Test
    void serveWithTheJsonFormatWritesOneObjectPerLineCarryingTheRequestId() throws Exception {
        Path dataDir = Files.createTempDirectory("latchkey-json-log");
        try (ServerProcess server = ServerProcess.start(dataDir, TestServer.ADMIN_KEY,
                "--log-format", "json", "--access-log")) {
            HttpResponse<String> response = server.post("/oauth2/token", "application/x-www-form-urlencoded",
                    "grant_type=client_credentials", "X-Request-Id", "process-1");
            assertThat(response.statusCode()).isEqualTo(401);

            List<JsonNode> lines = awaitLineWith(server, "process-1");

            assertThat(lines).anySatisfy(line -> {
                assertThat(line.get("logger").asText()).isEqualTo("latchkey.access");
                assertThat(line.get("requestId").asText()).isEqualTo("process-1");
                assertThat(line.get("message").asText()).startsWith("POST /oauth2/token status=401 ");
            });
        }
    }

    /** Every stderr line parsed as JSON, once one of them carries {@code requestId}. */
    private static List<JsonNode> awaitLineWith(ServerProcess server, String requestId) throws IOException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (true) {
            String stderr = server.stderr();
            if (stderr.contains("\"requestId\":\"" + requestId + "\"") || Instant.now().isAfter(deadline)) {
                List<JsonNode> lines = new ArrayList<>();
                for (String line : stderr.split("\n")) {
                    if (!line.isBlank()) {
                        JsonNode node = TestServer.JSON.readTree(line);
                        assertThat(node.isObject()).as(line).isTrue();
                        lines.add(node);
                    }
                }
                assertThat(lines).as(stderr).isNotEmpty();
                return lines;
            }
            LockSupport.parkNanos(20_000_000);
        }
    }
}
