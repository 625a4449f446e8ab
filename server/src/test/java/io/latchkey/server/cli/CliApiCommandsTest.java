package io.latchkey.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.latchkey.server.TestServer;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code latchkey api create|list|get|delete} and {@code latchkey client grant|revoke-grant} against a running server. */
class CliApiCommandsTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anApiIsCreatedListedShownAndDeleted() {
        String identifier = "https://" + UUID.randomUUID() + ".example.test/";
        JsonNode api = Cli.admin(server, "api", "create", "--identifier", identifier, "--scope", "orders:read,orders:write",
                "--name", "Orders", "--ttl", "PT5M", "--json").succeeded().json();
        String id = api.get("id").asText();

        assertThat(Cli.admin(server, "api", "list").succeeded().out()).startsWith("ID").contains(id, identifier, "PT5M");
        assertThat(Cli.admin(server, "api", "get", id).succeeded().out()).contains(identifier, "orders:read orders:write");
        assertThat(Cli.admin(server, "api", "delete", id).succeeded().out().strip()).isEqualTo("Deleted API " + id + ".");
        assertThat(Cli.admin(server, "api", "get", id).failedWith(1)).contains("not_found");
    }

    @Test
    void aDuplicateIdentifierFailsWithConflict() {
        String identifier = "https://" + UUID.randomUUID() + ".example.test/";
        Cli.admin(server, "api", "create", "--identifier", identifier).succeeded();

        assertThat(Cli.admin(server, "api", "create", "--identifier", identifier).failedWith(1)).contains("conflict");
    }

    @Test
    void aGrantLetsTheClientAskTokensForTheApiUntilItIsWithdrawn() {
        String identifier = "https://" + UUID.randomUUID() + ".example.test/";
        String id = Cli.admin(server, "api", "create", "--identifier", identifier, "--scope", "r", "--json")
                .succeeded().json().get("id").asText();
        TestServer.Credentials client = server.createClient("acme");

        assertThat(Cli.admin(server, "client", "grant", client.clientId(), id, "--scope", "r").succeeded().out())
                .contains("Granted", "r");
        assertThat(server.token(client, "resource", identifier).get("scope").asText()).isEqualTo("r");

        Cli.admin(server, "client", "revoke-grant", client.clientId(), id).succeeded();
        assertThat(server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials", "resource", identifier),
                "Authorization", client.basic()).statusCode()).isEqualTo(400);
    }
}
