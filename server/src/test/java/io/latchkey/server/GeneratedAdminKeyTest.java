package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The admin API key generated at first start is shown once, on standard output, and never goes
 * through the logger (standard error): a log shipper that collects the log must not collect it.
 */
@Tag("sqlite-only") // the process runs on the embedded store, whichever store the suite targets
class GeneratedAdminKeyTest {
    private static final Pattern KEY = Pattern.compile("^\\s+(lk_[A-Za-z0-9_-]{43})\\s*$");

    @Test
    void theGeneratedAdminKeyIsPrintedOnceOnStandardOutputAndNeverLogged() throws Exception {
        Path dataDir = Files.createTempDirectory("latchkey-generated-key");
        String key;
        try (ServerProcess server = ServerProcess.start(dataDir, null, "--log-format", "json")) {
            List<String> keyLines = server.stdout().stream().filter(line -> KEY.matcher(line).matches()).toList();
            assertThat(keyLines).as("stdout: %s", server.stdout()).hasSize(1);
            Matcher matcher = KEY.matcher(keyLines.get(0));
            assertThat(matcher.matches()).isTrue();
            key = matcher.group(1);

            assertThat(String.join("\n", server.stdout())).containsOnlyOnce(key);
            assertThat(server.stderr()).doesNotContain(key);
            assertThat(adminStatus(server.port(), key)).isEqualTo(200);
        }
        try (ServerProcess again = ServerProcess.start(dataDir, null)) {
            assertThat(String.join("\n", again.stdout())).as("the second start").doesNotContain("lk_");
            assertThat(adminStatus(again.port(), key)).isEqualTo(200);
        }
    }

    private static int adminStatus(int port, String key) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/clients"))
                .header("X-API-Key", key).timeout(Duration.ofSeconds(30)).GET().build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
