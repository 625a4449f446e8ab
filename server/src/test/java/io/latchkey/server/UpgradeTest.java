package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A store written by an earlier release opens under this one: migrated at start, then served
 * with every credential as it was. Each fixture was made by
 * server/src/test/resources/upgrade/make-fixture.sh (README.md beside it), whose
 * {@code fixture.properties} names the credentials it created.
 */
@Tag("sqlite-only")
class UpgradeTest {
    @TempDir
    Path dataDir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"schema-3", "schema-13"})
    void aStoreOfAnEarlierReleaseIsMigratedAndServedWithItsCredentialsIntact(String fixture) throws Exception {
        Properties made = copyFixture(fixture);
        String adminKey = made.getProperty("adminApiKey");

        try (ServerProcess server = ServerProcess.start(dataDir, adminKey)) {
            HttpResponse<String> token = server.post("/oauth2/token", "application/x-www-form-urlencoded",
                    "grant_type=client_credentials",
                    "Authorization", basic(made.getProperty("client.id"), made.getProperty("client.secret")));
            assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
            assertThat(TestServer.json(token).get("scope").asText()).isEqualTo("orders:read");

            HttpResponse<String> listed = server.get("/admin/clients?partnerId=UpgradePartner",
                    "X-API-Key", made.getProperty("opsApiKey"));
            assertThat(listed.statusCode()).isEqualTo(200);
            assertThat(TestServer.json(listed).get("clients").get(0).get("name").asText()).isEqualTo("before the upgrade");

            String deleted = made.getProperty("deletedClient.id");
            assertThat(server.post("/oauth2/token", "application/x-www-form-urlencoded", "grant_type=client_credentials",
                    "Authorization", basic(deleted, "anything")).statusCode()).isEqualTo(401);
            assertThat(server.get("/admin/audit?action=client.deleted", "X-API-Key", adminKey).body()).contains(deleted);
        }
    }

    private Properties copyFixture(String name) throws IOException {
        // Kept under other names, so that nothing in the repository looks like a live store or key.
        for (String[] file : new String[][] {{"store.sqlite", "latchkey.db"}, {"master-key.txt", "master.key"}}) {
            try (InputStream in = resource(name, file[0])) {
                Files.copy(in, dataDir.resolve(file[1]));
            }
        }
        Properties made = new Properties();
        try (InputStream in = resource(name, "fixture.properties")) {
            made.load(in);
        }
        return made;
    }

    private static InputStream resource(String fixture, String file) {
        InputStream in = UpgradeTest.class.getResourceAsStream("/upgrade/" + fixture + "/" + file);
        assertThat(in).as("fixture %s/%s", fixture, file).isNotNull();
        return in;
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }
}
