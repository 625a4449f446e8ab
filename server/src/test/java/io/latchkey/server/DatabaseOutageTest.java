package io.latchkey.server;

import static io.latchkey.server.MultiInstanceTest.assertWithin;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.TestServer.Credentials;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stops under a running server: requests that need it fail with 503 within the
 * configured timeout (never 500, never a hang), readiness says so, and when the database returns
 * the server recovers by itself.
 */
@Tag("multi-instance")
class DatabaseOutageTest {
    private static final Duration DB_TIMEOUT = Duration.ofSeconds(1);

    @Test
    void requestsFailWith503DuringAnOutageAndTheServerRecoversWithoutRestart() throws IOException {
        Path pgData = Files.createTempDirectory("latchkey-pg");
        int port = freePort();
        EmbeddedPostgres postgres = PostgresForTests.start(pgData, port);
        String url = PostgresForTests.newDatabase(postgres);
        try (TestServer server = TestServer.start(config -> config.dbUrl(url).dbUser("postgres")
                .dbTimeout(DB_TIMEOUT))) {
            Credentials client = server.createClient("acme");
            assertThat(server.token(client).get("access_token").asText()).isNotEmpty();

            postgres.close();

            assertWithin(Duration.ofSeconds(5), () -> server.get("/health/ready").statusCode() == 503);
            long started = System.nanoTime();
            HttpResponse<String> create = server.admin("POST", "/admin/clients", "{\"partnerId\":\"acme\"}");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(create.statusCode()).isEqualTo(503);
            assertThat(TestServer.json(create).get("error").asText()).isEqualTo("temporarily_unavailable");
            assertThat(took).isLessThan(DB_TIMEOUT.multipliedBy(4));
            // The client was cached, but a cut-off instance cannot know it was not deleted elsewhere.
            assertThat(tokenStatus(server, client)).isEqualTo(503);
            assertThat(server.get("/health/live").statusCode()).isEqualTo(200);

            postgres = PostgresForTests.start(pgData, port);

            assertWithin(Duration.ofSeconds(15), () -> server.get("/health/ready").statusCode() == 200);
            assertWithin(Duration.ofSeconds(5), () -> tokenStatus(server, client) == 200);
            assertThat(server.admin("POST", "/admin/clients", "{\"partnerId\":\"acme\"}").statusCode()).isEqualTo(201);
        } finally {
            postgres.close();
        }
    }

    @Test
    void startUpWaitsForADatabaseThatIsNotUpYet() throws Exception {
        Path pgData = Files.createTempDirectory("latchkey-pg");
        int port = freePort();
        EmbeddedPostgres postgres = PostgresForTests.start(pgData, port);
        String url = PostgresForTests.newDatabase(postgres);
        postgres.close();
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger)
                org.slf4j.LoggerFactory.getLogger(io.latchkey.store.jdbc.PostgresDatabase.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        log.addAppender(lines);
        java.util.concurrent.CompletableFuture<TestServer> starting = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> TestServer.start(config -> config.dbUrl(url).dbUser("postgres").dbTimeout(DB_TIMEOUT)
                        .dbStartupTimeout(Duration.ofSeconds(60))));
        try {
            assertWithin(Duration.ofSeconds(30), () -> lines.list.stream()
                    .anyMatch(line -> line.getFormattedMessage().startsWith("Waiting for the database")));
            assertThat(starting).isNotDone();

            postgres = PostgresForTests.start(pgData, port);

            try (TestServer server = starting.get(60, java.util.concurrent.TimeUnit.SECONDS)) {
                assertThat(server.get("/health/ready").statusCode()).isEqualTo(200);
                assertThat(server.admin("POST", "/admin/clients", "{\"partnerId\":\"acme\"}").statusCode())
                        .isEqualTo(201);
            }
        } finally {
            log.detachAppender(lines);
            postgres.close();
        }
    }

    private static int tokenStatus(TestServer server, Credentials client) {
        return server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                "Authorization", client.basic()).statusCode();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
