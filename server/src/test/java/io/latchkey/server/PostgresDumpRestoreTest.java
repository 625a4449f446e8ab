package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL backup of docs/deployment.md, run as written: {@code pg_dump} while an instance
 * serves, {@code createdb} and {@code pg_restore} into a fresh database, and a new instance on it
 * (same master key) serves every client, token and refresh token of the first.
 *
 * <p>Its PostgreSQL is a 15 of its own: Debian's {@code pg_dump} is 15 and refuses a newer server,
 * and the suite's embedded 17 ships no {@code pg_dump}. The binaries jar is copied by the build
 * (server/pom.xml) and named by the system property {@code latchkey.test.postgresDumpBinaries}.
 */
@Tag("multi-instance") // starts a PostgreSQL of its own, like DatabaseOutageTest
@RequiresProgram(value = {"pg_dump", "pg_restore", "createdb"}, install = "apt-get install postgresql-client")
class PostgresDumpRestoreTest {
    private static EmbeddedPostgres postgres;

    @TempDir
    Path work;

    @BeforeAll
    static void startPostgres() {
        postgres = PostgresForTests.startFromBinaries(Path.of(System.getProperty("latchkey.test.postgresDumpBinaries")));
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        postgres.close();
    }

    @Test
    void aDumpRestoredIntoAFreshDatabaseIsServedByANewInstanceWithEveryCredentialOfTheFirst() throws Exception {
        createDatabase("latchkey");
        String masterKey = randomMasterKey();
        Path dump = work.resolve("latchkey.dump");

        List<Client> clients = new ArrayList<>();
        String revokedAccessToken;
        String clientCreatedAfterTheDump;
        try (ServerProcess first = instance("latchkey", masterKey)) {
            for (int i = 0; i < 3; i++) {
                clients.add(Client.created(first, "dump-partner"));
            }
            for (Client client : clients) {
                JsonNode tokens = json(first.post("/oauth2/token", FORM, "grant_type=client_credentials",
                        "Authorization", client.basic()));
                client.accessToken = tokens.get("access_token").asText();
                client.refreshToken = tokens.get("refresh_token").asText();
            }
            // One refresh consumed before the dump: the consumption must come along, so that the
            // old refresh token stays spent in the restored store.
            Client rotated = clients.get(0);
            String spent = rotated.refreshToken;
            rotated.refreshToken = json(first.post("/oauth2/token", FORM, "grant_type=refresh_token&refresh_token="
                    + spent, "Authorization", rotated.basic())).get("refresh_token").asText();
            rotated.spentRefreshToken = spent;
            revokedAccessToken = clients.get(1).accessToken;
            assertThat(first.post("/oauth2/revoke", FORM, "token=" + revokedAccessToken,
                    "Authorization", clients.get(1).basic()).statusCode()).isEqualTo(200);

            run("pg_dump", "--format=custom", "--file=" + dump, "latchkey"); // while the instance serves
            clientCreatedAfterTheDump = Client.created(first, "dump-partner").id;
        }

        run("createdb", "latchkey_restored");
        run("pg_restore", "--dbname=latchkey_restored", "--no-owner", "--exit-on-error", dump.toString());

        try (ServerProcess second = instance("latchkey_restored", masterKey)) {
            for (Client client : clients) {
                assertThat(second.post("/oauth2/token", FORM, "grant_type=client_credentials",
                        "Authorization", client.basic()).statusCode()).as("client %s authenticates", client.id)
                        .isEqualTo(200);
            }
            // Tokens the first instance signed verify here: the signing keys came along, unsealed by the same master key.
            assertThat(introspect(second, clients.get(2).accessToken).get("active").asBoolean()).isTrue();
            assertThat(introspect(second, revokedAccessToken).get("active").asBoolean()).isFalse();

            Client rotated = clients.get(0);
            HttpResponse<String> refreshed = second.post("/oauth2/token", FORM,
                    "grant_type=refresh_token&refresh_token=" + rotated.refreshToken, "Authorization", rotated.basic());
            assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
            assertThat(json(refreshed).get("refresh_token").asText()).isNotEqualTo(rotated.refreshToken);
            Client other = clients.get(2);
            assertThat(second.post("/oauth2/token", FORM, "grant_type=refresh_token&refresh_token=" + other.refreshToken,
                    "Authorization", other.basic()).statusCode()).isEqualTo(200);
            assertThat(second.post("/oauth2/token", FORM, "grant_type=refresh_token&refresh_token="
                    + rotated.spentRefreshToken, "Authorization", rotated.basic()).statusCode())
                    .as("a refresh token spent before the dump").isEqualTo(400);

            String listed = second.get("/admin/clients?partnerId=dump-partner", "X-API-Key", TestServer.ADMIN_KEY).body();
            assertThat(listed).doesNotContain(clientCreatedAfterTheDump);
        }
    }

    private static final String FORM = "application/x-www-form-urlencoded";

    private ServerProcess instance(String database, String masterKey) throws IOException {
        return ServerProcess.start(List.of(), Map.of(
                "LATCHKEY_DB_URL", postgres.getJdbcUrl("postgres", database),
                "LATCHKEY_DB_USER", "postgres",
                "LATCHKEY_MASTER_KEY", masterKey,
                "LATCHKEY_ISSUER", "https://auth.example.test"), Files.createDirectories(work.resolve("data")),
                TestServer.ADMIN_KEY);
    }

    /** Runs a PostgreSQL client program as an operator would, the server named by libpq's variables. */
    private void run(String program, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(SystemPrograms.path(program).toString()));
        command.addAll(List.of(args));
        Path output = work.resolve(program + ".out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        builder.environment().putAll(Map.of("PGHOST", "localhost", "PGPORT", Integer.toString(postgres.getPort()),
                "PGUSER", "postgres"));
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s finishes", program).isTrue();
        assertThat(process.exitValue()).as("%s: %s", program, Files.readString(output)).isZero();
    }

    private static void createDatabase(String name) throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
    }

    private static JsonNode introspect(ServerProcess server, String token) {
        return json(server.post("/oauth2/introspect", FORM, "token=" + token, "X-API-Key", TestServer.ADMIN_KEY));
    }

    private static JsonNode json(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return TestServer.json(response);
    }

    private static String randomMasterKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** A client as the admin API created it, and the tokens the test holds for it. */
    private static final class Client {
        final String id;
        final String secret;
        String accessToken;
        String refreshToken;
        String spentRefreshToken;

        private Client(String id, String secret) {
            this.id = id;
            this.secret = secret;
        }

        static Client created(ServerProcess server, String partner) {
            JsonNode created = json(server.post("/admin/clients", "application/json", "{\"partnerId\":\"" + partner + "\"}",
                    "X-API-Key", TestServer.ADMIN_KEY));
            return new Client(created.get("clientId").asText(), created.get("clientSecret").asText());
        }

        String basic() {
            return "Basic " + Base64.getEncoder().encodeToString((URLEncoder.encode(id, StandardCharsets.UTF_8) + ":"
                    + URLEncoder.encode(secret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        }
    }
}
