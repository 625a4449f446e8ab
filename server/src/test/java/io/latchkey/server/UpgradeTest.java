package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store written by the previous release opens under this one: migrated at start, then served
 * with every credential as it was (server/src/test/resources/upgrade/README.md says how the
 * fixtures were made).
 */
@Tag("sqlite-only")
class UpgradeTest {
    private static final String ADMIN_KEY = "lk_upgrade-fixture-admin-key-0123456789abcdef";
    private static final String CLIENT_ID = "yh1t25-xVRBpxh_Wdb0SEQ";
    private static final String CLIENT_SECRET = "zdH9OHmvIubc31zcvTuoLnov2aDsQyQu36Nu9pyImOc";
    private static final String OPS_API_KEY = "lk_uBXg61v1_U2r7CDz_LKplnBT7qOKF28QALbzXoUyzL4";
    private static final String DELETED_CLIENT_ID = "vw4Wi98Hb3PU2aq7RtJ7ZQ";

    @TempDir
    Path dataDir;

    @Test
    void aStoreOfSchemaVersionThreeIsMigratedAndServedWithItsCredentialsIntact() throws Exception {
        copyFixture("schema-3");

        try (ServerProcess server = ServerProcess.start(dataDir, ADMIN_KEY)) {
            HttpResponse<String> token = server.post("/oauth2/token", "application/x-www-form-urlencoded",
                    "grant_type=client_credentials", "Authorization", basic(CLIENT_ID, CLIENT_SECRET));
            assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
            assertThat(TestServer.json(token).get("scope").asText()).isEqualTo("orders:read");

            HttpResponse<String> listed = server.get("/admin/clients?partnerId=UpgradePartner", "X-API-Key", OPS_API_KEY);
            assertThat(listed.statusCode()).isEqualTo(200);
            assertThat(TestServer.json(listed).get("clients").get(0).get("name").asText()).isEqualTo("before the upgrade");

            assertThat(server.post("/oauth2/token", "application/x-www-form-urlencoded", "grant_type=client_credentials",
                    "Authorization", basic(DELETED_CLIENT_ID, "anything")).statusCode()).isEqualTo(401);
            assertThat(server.get("/admin/audit?action=client.deleted", "X-API-Key", ADMIN_KEY).body())
                    .contains(DELETED_CLIENT_ID);
        }
    }

    private void copyFixture(String name) throws IOException {
        // Kept under other names, so that nothing in the repository looks like a live store or key.
        for (String[] file : new String[][] {{"store.sqlite", "latchkey.db"}, {"master-key.txt", "master.key"}}) {
            try (InputStream in = UpgradeTest.class.getResourceAsStream("/upgrade/" + name + "/" + file[0])) {
                assertThat(in).as("fixture %s/%s", name, file[0]).isNotNull();
                Files.copy(in, dataDir.resolve(file[1]));
            }
        }
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
