package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.TestServer.Credentials;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * SPEC §9: following the revocation feed reads no database. With every table but the change log
 * locked by another transaction (any read of a client, a key, a revocation or the audit log would
 * wait; the change feed stays healthy), a verifier's polls with a cursor, long ones included,
 * are still answered at once.
 */
@Tag("multi-instance") // starts a PostgreSQL of its own, like CheckWithoutStoreTest
class RevocationFeedWithoutStoreTest {
    @Test
    void pollsWithACursorAreAnsweredWhileEveryTableTheyCouldReadIsLocked() throws Exception {
        Path pgData = Files.createTempDirectory("latchkey-pg");
        EmbeddedPostgres postgres = PostgresForTests.start(pgData, freePort());
        String url = PostgresForTests.newDatabase(postgres);
        try (TestServer server = TestServer.start(config -> config.dbUrl(url).dbUser("postgres")
                .dbTimeout(Duration.ofSeconds(1)));
             Connection locker = DriverManager.getConnection(url, "postgres", "")) {
            Credentials client = server.createClient("acme");
            String token = server.token(client).get("access_token").asText();
            assertThat(server.postForm("/oauth2/revoke", Map.of("token", token), "Authorization", client.basic())
                    .statusCode()).isEqualTo(200);
            String cursor = TestServer.json(poll(server, "")).get("cursor").asText();

            locker.setAutoCommit(false);
            try (Statement statement = locker.createStatement()) {
                statement.execute("LOCK TABLE clients, api_keys, signing_keys, revoked_access_tokens, revoked_families,"
                        + " consumed_refresh_tokens, deleted_clients, audit_events, leases IN ACCESS EXCLUSIVE MODE");
            }
            try {
                for (int i = 0; i < 20; i++) {
                    HttpResponse<String> answer = poll(server, "?cursor=" + cursor);
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                }
                long asked = System.nanoTime();
                assertThat(poll(server, "?cursor=" + cursor + "&wait=1").statusCode()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(3));
            } finally {
                locker.rollback();
            }
        } finally {
            postgres.close();
        }
    }

    private static HttpResponse<String> poll(TestServer server, String query) {
        return server.send(HttpRequest.newBuilder(server.uri("/oauth2/revocations" + query))
                .header("X-API-Key", TestServer.ADMIN_KEY).timeout(Duration.ofSeconds(30)).GET().build());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
