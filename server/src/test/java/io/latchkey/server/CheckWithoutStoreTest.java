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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * SPEC §8: the check endpoint reads no database on its path. With every table but the change log
 * locked by another transaction (so any read of a client, a key, a revocation or the audit log
 * waits, while the change feed stays healthy and the cache stays), a cached client's token still
 * passes at once, where a request that reads a client waits for the store and fails.
 */
@Tag("multi-instance") // starts a PostgreSQL of its own, like DatabaseOutageTest
class CheckWithoutStoreTest {
    private static final Duration DB_TIMEOUT = Duration.ofSeconds(1);

    @Test
    void aCachedClientsTokenPassesWhileEveryTableItCouldReadIsLocked() throws Exception {
        Path pgData = Files.createTempDirectory("latchkey-pg");
        EmbeddedPostgres postgres = PostgresForTests.start(pgData, freePort());
        String url = PostgresForTests.newDatabase(postgres);
        try (TestServer server = TestServer.start(config -> config.dbUrl(url).dbUser("postgres").dbTimeout(DB_TIMEOUT));
             Connection locker = DriverManager.getConnection(url, "postgres", "")) {
            Credentials client = server.createClient("acme", "orders:read");
            String token = server.token(client).get("access_token").asText();
            assertThat(check(server, token).statusCode()).isEqualTo(200);

            locker.setAutoCommit(false);
            try (Statement statement = locker.createStatement()) {
                statement.execute("LOCK TABLE clients, api_keys, signing_keys, revoked_access_tokens, revoked_families,"
                        + " consumed_refresh_tokens, audit_events, leases IN ACCESS EXCLUSIVE MODE");
            }
            try {
                // A check that read the store would wait DB_TIMEOUT for the lock, then answer 503.
                for (int i = 0; i < 50; i++) {
                    HttpResponse<String> response = check(server, token);
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(response.headers().firstValue("X-Latchkey-Client-Id")).hasValue(client.clientId());
                }

                // The lock bites: listing the clients reads the store, waits, then fails.
                assertThat(server.admin("GET", "/admin/clients?partnerId=acme", null).statusCode()).isEqualTo(503);
            } finally {
                locker.rollback();
            }
        } finally {
            postgres.close();
        }
    }

    private static HttpResponse<String> check(TestServer server, String token) {
        return server.send(HttpRequest.newBuilder(server.uri("/oauth2/check?scope=orders:read"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).GET().build());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
