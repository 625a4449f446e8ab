package io.latchkey.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.latchkey.core.key.SigningAlgorithm;
import io.latchkey.server.TestServer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * {@code latchkey apikey create --offline}: the way back in when every admin key is lost. It
 * writes into the store itself, with the server's keyed hash, so the server accepts the key:
 * after a restart, or while it runs once its change feed has read the store.
 */
class CliOfflineApiKeyTest {
    @RegisterExtension
    static final TestServer server = TestServer.extension();

    @Test
    void aKeyWrittenWhileTheServerIsStoppedIsAcceptedAfterItsRestart() {
        AtomicReference<Cli.Result> created = new AtomicReference<>();

        server.restart(() -> created.set(Cli.run(Cli.onStoreOf(server, "apikey", "create", "--offline",
                "--name", "recovery")).succeeded()));

        String key = CliApiKeyCommandsTest.printedKey(created.get());
        Cli.as(server, key, "client", "list").succeeded();
        assertThat(Cli.as(server, key, "apikey", "list").out()).contains("recovery");
    }

    @Test
    void aKeyWrittenWhileTheServerRunsIsAcceptedOnceItHasReadTheChange() {
        JsonNode created = Cli.run(Cli.onStoreOf(server, "apikey", "create", "--offline", "--json"))
                .succeeded().json();

        server.server().pollChanges();

        Cli.as(server, created.get("apiKey").asText(), "client", "list").succeeded();
    }

    @Test
    void theAuditLogRecordsThatAKeyWasCreatedOffline() {
        String id = Cli.run(Cli.onStoreOf(server, "apikey", "create", "--offline", "--json"))
                .succeeded().json().get("id").asText();

        JsonNode events = Cli.admin(server, "audit", "--action", "api_key.created", "--json").succeeded().json();

        assertThat(events.get("events")).anySatisfy(event -> {
            assertThat(event.get("actor").asText()).isEqualTo("offline");
            assertThat(event.get("detail").asText()).contains(id);
        });
    }

    @Test
    void writingAKeyLeavesTheSigningKeysAlone() {
        try (TestServer es256 = TestServer.start(config -> config.signingAlgorithm(SigningAlgorithm.ES256))) {
            Set<String> before = jwksKids(es256);

            es256.restart(() -> Cli.run(Cli.onStoreOf(es256, "apikey", "create", "--offline")).succeeded());

            assertThat(jwksKids(es256)).isEqualTo(before);
        }
    }

    @Test
    void theKeyIsPrintedButNeverLogged() {
        ListAppender<ILoggingEvent> logged = captureLogs();
        try {
            Cli.Result created = Cli.run(Cli.onStoreOf(server, "apikey", "create", "--offline")).succeeded();

            String key = CliApiKeyCommandsTest.printedKey(created);
            assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
                    .noneMatch(message -> message.contains(key));
        } finally {
            root().detachAppender(logged);
        }
    }

    @Test
    void aWrongMasterKeyFailsWithOneLineAndWritesNothing() {
        byte[] wrong = new byte[32];
        String wrongKey = Base64.getEncoder().encodeToString(wrong);
        List<String> before = keyIds(server);
        AtomicReference<Cli.Result> result = new AtomicReference<>();

        server.restart(() -> result.set(Cli.run(Cli.onStoreOf(server, "apikey", "create", "--offline",
                "--master-key", wrongKey))));

        assertThat(result.get().failedWith(1)).contains("cannot unseal", "LATCHKEY_MASTER_KEY")
                .doesNotContain(wrongKey);
        assertThat(keyIds(server)).isEqualTo(before);
    }

    private static List<String> keyIds(TestServer server) {
        List<String> ids = new ArrayList<>();
        Cli.admin(server, "apikey", "list", "--json").succeeded().json().get("apiKeys")
                .forEach(key -> ids.add(key.get("id").asText()));
        return ids;
    }

    private static Set<String> jwksKids(TestServer server) {
        JsonNode jwks = TestServer.json(server.get("/oauth2/jwks"));
        Set<String> kids = new java.util.HashSet<>();
        jwks.get("keys").forEach(key -> kids.add(key.get("kid").asText()));
        assertThat(kids).isNotEmpty();
        return kids;
    }

    private static ListAppender<ILoggingEvent> captureLogs() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setContext(root().getLoggerContext());
        appender.start();
        root().addAppender(appender);
        return appender;
    }

    private static Logger root() {
        return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
