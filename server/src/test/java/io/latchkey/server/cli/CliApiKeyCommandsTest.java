package io.latchkey.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.latchkey.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code latchkey apikey create|list|delete} against a running server. */
class CliApiKeyCommandsTest {
    @RegisterExtension
    static final TestServer server = TestServer.extension();

    @Test
    void createPrintsAKeyOnceThatTheAdminApiThenAccepts() {
        Cli.Result created = Cli.admin(server, "apikey", "create", "--name", "ci").succeeded();

        assertThat(created.out()).contains("shown only this once");
        String key = printedKey(created);
        Cli.as(server, key, "client", "list").succeeded();
    }

    @Test
    void listShowsEachKeyByIdAndNameButNeverTheKey() {
        JsonNode created = Cli.admin(server, "apikey", "create", "--name", "deploy", "--json").succeeded().json();
        String id = created.get("id").asText();
        String key = created.get("apiKey").asText();

        Cli.Result table = Cli.admin(server, "apikey", "list").succeeded();
        JsonNode json = Cli.admin(server, "apikey", "list", "--json").succeeded().json();

        assertThat(table.out()).startsWith("ID").contains(id, "deploy", "configured").doesNotContain(key);
        assertThat(json.get("apiKeys")).extracting(apiKey -> apiKey.get("id").asText()).contains(id, "configured");
        assertThat(json.toString()).doesNotContain(key);
    }

    @Test
    void deleteStopsTheKeyAtOnce() {
        JsonNode created = Cli.admin(server, "apikey", "create", "--json").succeeded().json();
        String id = created.get("id").asText();
        String key = created.get("apiKey").asText();

        Cli.Result deleted = Cli.admin(server, "apikey", "delete", id).succeeded();

        assertThat(deleted.out().strip()).isEqualTo("Deleted API key " + id + ".");
        assertThat(Cli.as(server, key, "apikey", "list").failedWith(1)).contains("invalid_api_key");
        assertThat(Cli.admin(server, "apikey", "list").out()).doesNotContain(id);
    }

    @Test
    void deletingAnUnknownKeyFailsWithTheServersMessage() {
        String error = Cli.admin(server, "apikey", "delete", "no-such-key").failedWith(1);

        assertThat(error).isEqualTo("latchkey: No API key with the id: no-such-key (not_found)");
    }

    @Test
    void createWithRoleVerifierMakesAKeyThatReadsVerificationKeysAndNothingElse() {
        Cli.Result created = Cli.admin(server, "apikey", "create", "--name", "orders-api", "--role", "verifier")
                .succeeded();
        String key = printedKey(created);

        assertThat(created.out()).contains("Created verifier API key");
        assertThat(server.get("/admin/keys/access-token", "X-API-Key", key).statusCode()).isEqualTo(200);
        assertThat(Cli.as(server, key, "client", "list").failedWith(1)).contains("forbidden");
        assertThat(Cli.admin(server, "apikey", "list").out().lines()
                .filter(line -> line.contains("orders-api")).findFirst().orElseThrow()).contains("verifier");
    }

    @Test
    void listShowsEachKeysRoleInItsOwnColumn() {
        Cli.Result table = Cli.admin(server, "apikey", "list").succeeded();

        assertThat(table.out().lines().findFirst().orElseThrow()).contains("ID", "NAME", "ROLE", "CREATED");
        assertThat(table.out().lines().filter(line -> line.startsWith("configured")).findFirst().orElseThrow())
                .contains("admin");
    }

    @Test
    void createWithAnUnknownRoleFailsWithTheServersMessage() {
        String error = Cli.admin(server, "apikey", "create", "--role", "root").failedWith(1);

        assertThat(error).contains("role").contains("invalid_request");
    }

    /** The key line of {@code apikey create}: the only line that is just a key. */
    static String printedKey(Cli.Result created) {
        return created.out().lines().map(String::strip).filter(line -> line.startsWith("lk_")).findFirst()
                .orElseThrow(() -> new AssertionError("no key in: " + created.out()));
    }
}
