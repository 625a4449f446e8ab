package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.TestServer.Credentials;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * SPEC §8: the check endpoint reads no database on its path. With every table but the change log
 * locked by another transaction (so any read of a client, a key, a revocation or the audit log
 * waits, while the change feed stays healthy and the cache stays), a cached client's token still
 * passes, while a request that reads the clients table waits for the lock.
 */
@Tag("multi-instance") // starts a PostgreSQL of its own, like DatabaseOutageTest
class CheckWithoutStoreTest {
    private static final Duration DB_TIMEOUT = Duration.ofSeconds(1);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

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
                // A read of the clients table now waits for the lock: wait until one does.
                CompletableFuture<HttpResponse<String>> listing = HTTP.sendAsync(HttpRequest.newBuilder(
                        server.uri("/admin/clients?partnerId=acme")).header("X-API-Key", TestServer.ADMIN_KEY)
                        .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
                MultiInstanceTest.assertWithin(Duration.ofSeconds(10), () -> waitingForALock(url) > 0);

                // A check that read the store would wait there too.
                for (int i = 0; i < 50; i++) {
                    HttpResponse<String> response = check(server, token);
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(response.headers().firstValue("X-Latchkey-Client-Id")).hasValue(client.clientId());
                }
                assertThat(listing).isNotDone();
                locker.rollback();
                assertThat(listing.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            } finally {
                locker.rollback();
            }
        } finally {
            postgres.close();
        }
    }

    private static int waitingForALock(String url) {
        try (Connection watcher = DriverManager.getConnection(url, "postgres", "");
             Statement statement = watcher.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")) {
            rows.next();
            return rows.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
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
