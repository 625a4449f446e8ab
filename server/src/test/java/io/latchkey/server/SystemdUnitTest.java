package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd unit of docs/deploy.md, as written: its {@code ExecStart=} line runs with its
 * {@code Environment=} lines, becomes ready, and stops cleanly on SIGTERM as systemd stops it.
 * Only the documented placeholders are replaced: {@code /usr/bin/java} by the JVM running the
 * tests and {@code /opt/latchkey/latchkey.jar} by a jar whose manifest points at the build's classes.
 */
@Tag("sqlite-only") // the process runs on the embedded store, whichever store the suite targets
class SystemdUnitTest {
    private static final Path GUIDE = Path.of("..", "docs", "deploy.md");
    private static final String JAVA = "/usr/bin/java";
    private static final String JAR = "/opt/latchkey/latchkey.jar";
    private static final Pattern UNIT = Pattern.compile("```ini\\n(.*?\\[Service\\].*?)```", Pattern.DOTALL);
    private static final Pattern LISTENING = Pattern.compile("^Latchkey listening on http://127\\.0\\.0\\.1:(\\d+) ");
    private static final Duration READY_DEADLINE = Duration.ofSeconds(90);

    /** Each directive's values in order of appearance ({@code Environment=} may repeat). */
    private static Map<String, List<String>> unit;

    @BeforeAll
    static void readTheUnit() throws IOException {
        Matcher block = UNIT.matcher(Files.readString(GUIDE));
        assertThat(block.find()).as("an ```ini block with [Service] in " + GUIDE).isTrue();
        unit = new LinkedHashMap<>();
        for (String line : block.group(1).split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("[")) {
                continue;
            }
            int equals = trimmed.indexOf('=');
            unit.computeIfAbsent(trimmed.substring(0, equals), key -> new ArrayList<>()).add(trimmed.substring(equals + 1));
        }
    }

    @Test
    void theUnitRunsAsItsOwnUserWithTheDataDirItsOnlyWritablePath() {
        assertThat(one("User")).isEqualTo("latchkey");
        assertThat(one("EnvironmentFile")).isNotBlank();
        assertThat(one("Restart")).isEqualTo("on-failure");
        assertThat(one("NoNewPrivileges")).isEqualTo("yes");
        assertThat(one("ProtectSystem")).isEqualTo("strict");
        assertThat(one("PrivateTmp")).isEqualTo("yes"); // SQLite unpacks its native library in /tmp
        assertThat(List.of(one("ReadWritePaths").split("\\s+"))).contains(environment().get("LATCHKEY_DATA_DIR"));
    }

    @Test
    void execStartServesAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        List<String> command = words(one("ExecStart"));
        assertThat(command.get(0)).isEqualTo(JAVA);
        assertThat(command).contains(JAR);
        Path jar = launcherJar(dir.resolve("latchkey.jar"));
        command.replaceAll(word -> word.equals(JAVA) ? ProcessHandle.current().info().command().orElseThrow()
                : word.equals(JAR) ? jar.toString() : word);

        ProcessBuilder builder = new ProcessBuilder(command).redirectError(dir.resolve("stderr").toFile());
        builder.environment().clear(); // systemd starts a service with an environment of its own
        builder.environment().putAll(environment());
        // What EnvironmentFile= would hold here; it overrides Environment=, as in systemd.
        builder.environment().put("LATCHKEY_DATA_DIR", dir.resolve("data").toString());
        builder.environment().put("LATCHKEY_PORT", "0");
        builder.environment().put("LATCHKEY_HOST", "127.0.0.1");
        builder.environment().put("LATCHKEY_ADMIN_API_KEY", TestServer.ADMIN_KEY);
        Process process = builder.start();
        try {
            int port = listeningPort(process).get(READY_DEADLINE.toSeconds(), TimeUnit.SECONDS);
            awaitReady(port);

            process.destroy(); // SIGTERM, as systemctl stop sends
            Duration stopTimeout = Duration.ofSeconds(Long.parseLong(one("TimeoutStopSec")));
            assertThat(process.waitFor(stopTimeout.toSeconds(), TimeUnit.SECONDS))
                    .as("stopped within TimeoutStopSec").isTrue();
            Set<Integer> success = new HashSet<>(Set.of(0));
            unit.getOrDefault("SuccessExitStatus", List.of())
                    .forEach(statuses -> words(statuses).forEach(status -> success.add(Integer.parseInt(status))));
            String stderr = Files.readString(dir.resolve("stderr"));
            assertThat(success).as("exit status %d counts as success; stderr:%n%s", process.exitValue(), stderr)
                    .contains(process.exitValue());
            assertThat(stderr).doesNotContain("Exception", "ERROR");
            assertThat(dir.resolve("data").resolve("latchkey.db")).exists();
        } finally {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** A jar like the real one to {@code java -jar}: its manifest names Main and the build's classpath. */
    private static Path launcherJar(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH,
                List.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator)).stream()
                        .map(path -> Path.of(path).toAbsolutePath().toUri().toString())
                        .collect(Collectors.joining(" ")));
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            return jar;
        }
    }

    private static CompletableFuture<Integer> listeningPort(Process process) {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    Matcher matcher = LISTENING.matcher(line);
                    if (matcher.find()) {
                        port.complete(Integer.parseInt(matcher.group(1)));
                    }
                }
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("stdout ended before the server listened"));
        }, "systemd-unit-stdout");
        reader.setDaemon(true);
        reader.start();
        return port;
    }

    private static void awaitReady(int port) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .timeout(Duration.ofSeconds(30)).GET().build(); // a cold JVM on a loaded machine is slow
        Instant deadline = Instant.now().plus(READY_DEADLINE);
        String last = "nothing";
        while (Instant.now().isBefore(deadline)) {
            try {
                int status = http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    return;
                }
                last = String.valueOf(status);
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(100); // polling a condition, bounded by the deadline
        }
        throw new AssertionError("/health/ready answered " + last + " until the deadline");
    }

    /** The unit's Environment= assignments, in order, later ones winning. */
    private static Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String line : unit.getOrDefault("Environment", List.of())) {
            for (String assignment : words(line)) {
                int equals = assignment.indexOf('=');
                environment.put(assignment.substring(0, equals), assignment.substring(equals + 1));
            }
        }
        return environment;
    }

    private static String one(String directive) {
        List<String> values = unit.get(directive);
        assertThat(values).as(directive + "= in the unit").isNotNull().hasSize(1);
        return values.get(0);
    }

    /** systemd's word splitting, for what the unit uses: whitespace, and double quotes around a word. */
    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        Matcher word = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(line);
        while (word.find()) {
            words.add(word.group(1) != null ? word.group(1) : word.group(2));
        }
        return words;
    }
}
