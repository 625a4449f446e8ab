package io.latchkey.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.latchkey.server.Main;
import io.latchkey.server.TestServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real command line in-process, as an operator would type it, and keeps what it printed
 * and returned. Nothing is mocked: the management commands talk HTTP to a {@link TestServer}.
 */
public final class Cli {
    private Cli() {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exitCode, out.toString(), err.toString());
    }

    /**
     * {@code args} as an operator runs them: {@code latchkey ARGS} in a JVM of its own, with none
     * of the machine's {@code LATCHKEY_*} variables.
     */
    public static Result process(String... args) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(Arrays.asList(args));
        try {
            Path out = Files.createTempFile("latchkey-command", ".out");
            Path err = Files.createTempFile("latchkey-command", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().keySet().removeIf(name -> name.startsWith("LATCHKEY_"));
            Process process = builder.start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("latchkey " + String.join(" ", args) + " did not finish");
            }
            try {
                return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.delete(out);
                Files.delete(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code args} against {@code server} with its admin key. */
    static Result admin(TestServer server, String... args) {
        return as(server, TestServer.ADMIN_KEY, args);
    }

    /** {@code args} against {@code server} with {@code apiKey}. */
    static Result as(TestServer server, String apiKey, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--url", server.baseUrl(), "--api-key", apiKey));
        return run(all.toArray(String[]::new));
    }

    /**
     * {@code args}, then the options that point a store command at {@code server}'s data: its data
     * dir, and its PostgreSQL if any.
     */
    static String[] onStoreOf(TestServer server, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--data-dir", server.dataDir().toString()));
        if (server.dbUrl() != null) {
            all.addAll(List.of("--db-url", server.dbUrl(), "--db-user", "postgres"));
        }
        return all.toArray(String[]::new);
    }

    public record Result(int exitCode, String out, String err) {
        /** Asserts the command succeeded and printed nothing on standard error; returns this. */
        Result succeeded() {
            assertThat(exitCode).as("exit code; stderr: %s", err).isZero();
            assertThat(err).isEmpty();
            return this;
        }

        /**
         * Asserts the command failed with {@code exitCode}, printed nothing on standard output and
         * exactly one line on standard error, no stack trace; returns that line.
         */
        String failedWith(int expectedExitCode) {
            assertThat(exitCode).as("exit code; stdout: %s; stderr: %s", out, err).isEqualTo(expectedExitCode);
            assertThat(out).isEmpty();
            assertThat(err.lines().toList()).hasSize(1);
            assertThat(err).startsWith("latchkey: ").doesNotContain("Exception").doesNotContain("\tat ");
            return err.strip();
        }

        JsonNode json() {
            try {
                return TestServer.JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + out, e);
            }
        }

        /** The value after {@code label} in a {@code label  value} line of the output. */
        String field(String label) {
            return out.lines().map(String::strip).filter(line -> line.startsWith(label + "  ")).findFirst()
                    .map(line -> line.substring(label.length()).strip())
                    .orElseThrow(() -> new AssertionError("no '" + label + "' in: " + out));
        }
    }
}
