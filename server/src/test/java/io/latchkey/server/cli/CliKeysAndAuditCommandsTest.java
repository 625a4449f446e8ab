package io.latchkey.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.latchkey.server.TestServer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code latchkey keys rotate} and {@code latchkey audit} against a running server. */
class CliKeysAndAuditCommandsTest {
    @RegisterExtension
    static final TestServer server = TestServer.extension();

    @Test
    void keysRotatePrintsTheNewSigningKeysThatNewTokensCarry() {
        Cli.Result rotated = Cli.admin(server, "keys", "rotate").succeeded();
        JsonNode again = Cli.admin(server, "keys", "rotate", "--json").succeeded().json();

        assertThat(rotated.out()).contains("KID", "access_token", "refresh_token", "HS256", "HS512");
        assertThat(again.get("keys")).extracting(key -> key.get("use").asText())
                .containsExactlyInAnyOrder("access_token", "refresh_token");
        String accessKid = again.get("keys").findParents("use").stream()
                .filter(key -> key.get("use").asText().equals("access_token")).findFirst().orElseThrow()
                .get("kid").asText();
        String accessToken = server.token(server.createClient("Acme")).get("access_token").asText();
        assertThat(header(accessToken)).contains("\"kid\":\"" + accessKid + "\"");
    }

    @Test
    void auditShowsWhatTheCommandsDidNewestFirst() {
        String clientId = Cli.admin(server, "client", "create", "--partner", "Acme", "--json").succeeded().json()
                .get("clientId").asText();
        Cli.admin(server, "client", "delete", clientId).succeeded();

        Cli.Result table = Cli.admin(server, "audit", "--client", clientId).succeeded();
        JsonNode json = Cli.admin(server, "audit", "--client", clientId, "--json").succeeded().json();

        assertThat(table.out()).startsWith("AT").contains("client.created", "client.deleted", "apikey:configured");
        assertThat(json.get("events")).extracting(event -> event.get("action").asText())
                .containsExactly("client.deleted", "client.created");
    }

    @Test
    void auditFiltersByAction() {
        Cli.admin(server, "client", "create", "--partner", "Acme").succeeded();
        Cli.admin(server, "keys", "rotate").succeeded();

        JsonNode json = Cli.admin(server, "audit", "--action", "signing_keys.rotated", "--json").succeeded().json();

        assertThat(json.get("events")).isNotEmpty()
                .allSatisfy(event -> assertThat(event.get("action").asText()).isEqualTo("signing_keys.rotated"));
    }

    @Test
    void auditTakesADurationAsThatLongAgo() {
        Cli.admin(server, "client", "create", "--partner", "Acme").succeeded();

        JsonNode recent = Cli.admin(server, "audit", "--since", "PT1H", "--json").succeeded().json();
        JsonNode older = Cli.admin(server, "audit", "--until", "PT1H", "--json").succeeded().json();

        assertThat(recent.get("events")).isNotEmpty();
        assertThat(older.get("events")).isEmpty();
    }

    @Test
    void auditPagesOnWithThePrintedCursor() {
        String clientId = Cli.admin(server, "client", "create", "--partner", "Acme", "--json").succeeded().json()
                .get("clientId").asText();
        Cli.admin(server, "client", "rotate-secret", clientId).succeeded();
        Cli.admin(server, "client", "delete", clientId).succeeded();

        Cli.Result first = Cli.admin(server, "audit", "--client", clientId, "--limit", "2").succeeded();
        Matcher cursor = Pattern.compile("--cursor (\\S+)").matcher(first.out());
        assertThat(cursor.find()).as(first.out()).isTrue();
        JsonNode rest = Cli.admin(server, "audit", "--client", clientId, "--limit", "2", "--cursor", cursor.group(1),
                "--json").succeeded().json();

        assertThat(first.out()).contains("client.deleted", "client.secret_rotated").doesNotContain("client.created");
        assertThat(rest.get("events")).extracting(event -> event.get("action").asText())
                .containsExactly("client.created");
        assertThat(rest.has("next")).isFalse();
    }

    @Test
    void auditOfAnUnknownActionFailsWithTheServersMessage() {
        assertThat(Cli.admin(server, "audit", "--action", "client.exploded").failedWith(1))
                .contains("Unknown action", "invalid_request");
    }

    private static String header(String jwt) {
        return new String(java.util.Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.'))),
                java.nio.charset.StandardCharsets.UTF_8);
    }
}
