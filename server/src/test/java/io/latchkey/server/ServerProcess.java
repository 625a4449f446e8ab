package io.latchkey.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code latchkey serve} as a separate JVM on the test classpath, so a test can kill it the way
 * an operator's {@code kill -9} or a power cut would: with no shutdown hook, no close, no flush.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("^Latchkey listening on http://127\\.0\\.0\\.1:(\\d+) ");
    private static final Duration START_DEADLINE = Duration.ofSeconds(90);

    private final Process process;
    private final int port;
    private final Path stderr;
    private final List<String> stdout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServerProcess(Process process, int port, Path stderr, List<String> stdout) {
        this.process = process;
        this.port = port;
        this.stderr = stderr;
        this.stdout = stdout;
    }

    /**
     * Starts {@code serve} on a random port and returns once it printed that it listens; with
     * {@code adminKey} null, none is configured.
     */
    static ServerProcess start(Path dataDir, String adminKey, String... extraArgs) throws IOException {
        return start(List.of(), dataDir, adminKey, extraArgs);
    }

    /** As {@link #start(Path, String, String...)}, with {@code jvmOptions} such as {@code -Xmx128m}. */
    static ServerProcess start(List<String> jvmOptions, Path dataDir, String adminKey, String... extraArgs)
            throws IOException {
        return start(jvmOptions, java.util.Map.of(), dataDir, adminKey, extraArgs);
    }

    /** As above, with {@code environment} added to the process's variables. */
    static ServerProcess start(List<String> jvmOptions, java.util.Map<String, String> environment, Path dataDir,
                               String adminKey, String... extraArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "-XX:TieredStopAtLevel=1")); // a short-lived server: start fast rather than peak
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "serve",
                "--port", "0", "--host", "127.0.0.1",
                "--data-dir", dataDir.toString()));
        if (adminKey != null) {
            command.addAll(List.of("--admin-api-key", adminKey));
        }
        command.addAll(List.of(extraArgs));
        Path stderr = Files.createTempFile("latchkey-process", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
        // Only the flags configure it: a LATCHKEY_* variable of the machine running the tests must not.
        builder.environment().keySet().removeIf(name -> name.startsWith("LATCHKEY_") || name.startsWith("OTEL_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        List<String> stdout = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> readStdout(process, stdout, listening), "latchkey-process-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            return new ServerProcess(process, listening.get(START_DEADLINE.toSeconds(), TimeUnit.SECONDS), stderr,
                    stdout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while the server started", e);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("the server process did not start: " + Files.readString(stderr), e);
        }
    }

    /** Reads stdout to its end, keeping its lines: completes {@code listening} with the port. */
    private static void readStdout(Process process, List<String> stdout, CompletableFuture<Integer> listening) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                stdout.add(line);
                Matcher matcher = LISTENING.matcher(line);
                if (matcher.find()) {
                    listening.complete(Integer.parseInt(matcher.group(1)));
                }
            }
        } catch (IOException e) {
            listening.completeExceptionally(e);
        }
        listening.completeExceptionally(new IllegalStateException("stdout ended; exit " + process.onExit().join().exitValue()));
    }

    int port() {
        return port;
    }

    /**
     * The server's heap in use right after a full collection, in bytes, as {@code jcmd} (beside
     * the running JVM) reports it: what the process really holds on to.
     */
    long heapAfterGc() throws IOException, InterruptedException {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
        Process gc = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "GC.run")
                .redirectErrorStream(true).start();
        gc.getInputStream().readAllBytes();
        gc.waitFor();
        Process info = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "GC.heap_info")
                .redirectErrorStream(true).start();
        String text = new String(info.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        info.waitFor();
        // e.g. " def new generation   total 4928K, used 1020K ..." and " tenured generation   total 10944K, used 6013K"
        java.util.regex.Matcher used = Pattern.compile("generation\\s+total \\d+K, used (\\d+)K").matcher(text);
        long kilobytes = 0;
        boolean found = false;
        while (used.find()) {
            kilobytes += Long.parseLong(used.group(1));
            found = true;
        }
        if (!found) {
            throw new IllegalStateException("no heap figures in: " + text);
        }
        return kilobytes * 1024;

    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL, and wait until the process is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the server process did not die");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> post(String path, String contentType, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).GET();
        if (headers.length > 0) {
            builder.headers(headers);
        }
        HttpRequest request = builder.build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The lines it printed on standard output so far. */
    List<String> stdout() {
        return List.copyOf(stdout);
    }

    String stderr() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
        try {
            Files.deleteIfExists(stderr);
        } catch (IOException ignored) {
            // a leftover temp file is harmless
        }
    }
}
