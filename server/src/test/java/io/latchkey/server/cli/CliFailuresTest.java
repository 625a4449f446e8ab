package io.latchkey.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.latchkey.server.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every failure is one line on standard error and a non-zero exit (1: the command could not do
 * its job, 2: it was called wrongly), never a stack trace, and never the API key given.
 */
class CliFailuresTest {
    private static final String WRONG_KEY = "lk_wrong-key-that-must-not-be-printed-0123456789";
    @RegisterExtension
    static final TestServer server = TestServer.extension();

    @Test
    void aWrongApiKeyFailsWithTheServersMessageAndWithoutTheKey() {
        Cli.Result result = Cli.as(server, WRONG_KEY, "client", "list");

        assertThat(result.failedWith(1)).isEqualTo("latchkey: A valid admin API key is required. (invalid_api_key)");
        assertThat(result.err()).doesNotContain(WRONG_KEY);
    }

    @Test
    void aWrongApiKeyGivenWithAnEqualsSignIsNotPrintedEither() {
        Cli.Result result = Cli.run("apikey", "list", "--url", server.baseUrl(), "--api-key=" + WRONG_KEY);

        assertThat(result.failedWith(1)).contains("invalid_api_key");
        assertThat(result.err()).doesNotContain(WRONG_KEY);
    }

    @Test
    void serveRefusesAnUnknownLogFormatAndAShortMetricsTokenBeforeStarting() {
        // Both are refused before the server starts; a regression would start one and block, hence the limit.
        Cli.Result format = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> Cli.run("serve", "--port", "0", "--log-format", "xml"));
        Cli.Result token = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> Cli.run("serve", "--port", "0", "--metrics-token", "short"));

        assertThat(format.failedWith(2)).isEqualTo("latchkey: LATCHKEY_LOG_FORMAT must be text or json, not 'xml'");
        assertThat(token.failedWith(2)).isEqualTo("latchkey: LATCHKEY_METRICS_TOKEN must be at least 16 characters long");
    }

    @Test
    void serveRefusesAnAdminApiKeyShorterThan32CharactersBeforeStarting() {
        Cli.Result result = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> Cli.run("serve", "--port", "0", "--admin-api-key", "a".repeat(31)));

        assertThat(result.failedWith(2)).isEqualTo("latchkey: LATCHKEY_ADMIN_API_KEY must be at least 32 characters long");
        assertThat(result.err()).doesNotContain("a".repeat(31));
    }

    @Test
    void anUnknownClientFailsWithTheServersMessage() {
        String unknown = "AAAAAAAAAAAAAAAAAAAAAA";

        assertThat(Cli.admin(server, "client", "get", unknown).failedWith(1))
                .isEqualTo("latchkey: No client with the clientId: " + unknown + " (not_found)");
        assertThat(Cli.admin(server, "client", "delete", unknown).failedWith(1)).contains("not_found");
        assertThat(Cli.admin(server, "client", "rotate-secret", unknown).failedWith(1)).contains("not_found");
    }

    @Test
    void anIdBeginningWithADashIsTakenAsTheIdNotAsOptions() {
        // base64url ids may begin with '-'; this one would read as -V (version) and -p (partner)
        String unknown = "-VpAAAAAAAAAAAAAAAAAAA";

        assertThat(Cli.admin(server, "client", "get", unknown).failedWith(1))
                .isEqualTo("latchkey: No client with the clientId: " + unknown + " (not_found)");
        assertThat(Cli.admin(server, "apikey", "delete", "-hAAAAAAAAAA").failedWith(1)).contains("not_found");
    }

    @Test
    void aServerThatIsNotReachableFailsWithOneLineNamingIt() {
        String url = "http://127.0.0.1:" + closedPort();

        String error = Cli.run("client", "list", "--url", url, "--api-key", WRONG_KEY).failedWith(1);

        assertThat(error).startsWith("latchkey: cannot reach the server at " + url + " (connection refused)")
                .doesNotContain(WRONG_KEY);
    }

    @Test
    void aUrlThatIsNotHttpFailsBeforeAnyRequest() {
        assertThat(Cli.run("client", "list", "--url", "localhost:8080", "--api-key", WRONG_KEY).failedWith(1))
                .contains("--url must be the server's base URL");
    }

    @Test
    void anEmptyApiKeyFailsBeforeAnyRequest() {
        assertThat(Cli.run("client", "list", "--url", server.baseUrl(), "--api-key=").failedWith(1))
                .isEqualTo("latchkey: no admin API key: set LATCHKEY_API_KEY or pass --api-key");
    }

    @Test
    void aMissingRequiredOptionIsAUsageError() {
        assertThat(Cli.admin(server, "client", "create").failedWith(2))
                .contains("Missing required option", "--partner", "latchkey client create --help");
    }

    @Test
    void anUnknownCommandIsAUsageErrorWithASuggestion() {
        assertThat(Cli.run("client", "lst").failedWith(2)).contains("'lst'", "did you mean list?");
    }

    @Test
    void aGroupWithoutItsCommandIsAUsageError() {
        assertThat(Cli.run("apikey").failedWith(2)).contains("Missing required subcommand");
    }

    @Test
    void aMistypedKeyOptionIsNotEchoedWithItsValue() {
        Cli.Result result = Cli.run("client", "list", "--apikey=" + WRONG_KEY);

        assertThat(result.failedWith(2)).contains("'--apikey=…'", "did you mean --api-key?");
        assertThat(result.err()).doesNotContain(WRONG_KEY);
    }

    @Test
    void aGraceThatIsNotADurationOrNegativeIsAUsageError() {
        assertThat(Cli.admin(server, "client", "rotate-secret", "x", "--grace", "an hour").failedWith(2))
                .contains("not an ISO-8601 duration");
        assertThat(Cli.admin(server, "client", "rotate-secret", "x", "--grace", "-PT1H").failedWith(2))
                .contains("--grace must not be negative");
    }

    @Test
    void aMessageNeverShowsTheValueOfASecretOption() {
        String masked = ErrorReporting.mask("cannot log in with " + WRONG_KEY,
                new String[] {"migrate", "--db-password", WRONG_KEY});

        assertThat(masked).isEqualTo("cannot log in with ****");
    }

    /** A port nobody listens on: bound, then released. */
    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
