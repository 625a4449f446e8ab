package io.latchkey.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.latchkey.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code latchkey webhook create|list|delete|deliveries} against a running server. */
class CliWebhookCommandsTest {
    private static final String TARGET = "http://127.0.0.1:9/latchkey";

    @RegisterExtension
    static final TestServer server = TestServer.extension(config -> config.webhookAllowPrivate(true));

    @Test
    void createPrintsTheSigningSecretOnceAndListNeverShowsIt() {
        Cli.Result created = Cli.admin(server, "webhook", "create", TARGET, "--event", "client.created",
                "--event", "client.deleted").succeeded();

        assertThat(created.out()).contains("shown only this once").containsPattern("whsec_[A-Za-z0-9+/=]+");
        String secret = created.out().replaceAll("(?s).*(whsec_[A-Za-z0-9+/=]+).*", "$1");
        Cli.Result table = Cli.admin(server, "webhook", "list").succeeded();
        assertThat(table.out()).startsWith("ID").contains(TARGET, "client.created,client.deleted")
                .doesNotContain(secret);
        assertThat(Cli.admin(server, "webhook", "list", "--json").succeeded().json().toString()).doesNotContain(secret);
    }

    @Test
    void deliveriesShowsTheLogAndDeleteRemovesTheWebhook() {
        JsonNode created = Cli.admin(server, "webhook", "create", TARGET, "--event", "*", "--json").succeeded().json();
        String id = created.get("id").asText();
        server.createClient("acme");

        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        Cli.Result log;
        while (!(log = Cli.admin(server, "webhook", "deliveries", id).succeeded()).out().contains("client.created")) {
            assertThat(System.nanoTime()).as("the delivery is logged within 10 s").isLessThan(deadline);
        }
        assertThat(log.out()).startsWith("EVENT");

        assertThat(Cli.admin(server, "webhook", "delete", id).succeeded().out().strip())
                .isEqualTo("Deleted webhook " + id + ".");
        assertThat(Cli.admin(server, "webhook", "list").out()).doesNotContain(id);
    }

    @Test
    void anUnknownEventTypeFailsWithTheServersMessage() {
        String error = Cli.admin(server, "webhook", "create", TARGET, "--event", "client.exploded").failedWith(1);

        assertThat(error).startsWith("latchkey: Unknown event type").endsWith("(invalid_request)");
    }
}
