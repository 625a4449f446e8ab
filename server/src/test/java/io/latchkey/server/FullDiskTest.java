package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data dir's file system fills up (a small tmpfs the test mounts): writes answer 503 with
 * {@code Retry-After}, what needs no write goes on, nothing acknowledged is lost, and the server
 * recovers by itself when space returns. Skipped, with the reason, where the test may not mount
 * (it needs root); CI runs as root.
 */
@Tag("sqlite-only")
class FullDiskTest {
    private static final String JSON = "application/json";

    @TempDir
    Path base;

    private Path mount;

    @BeforeEach
    void mountSmallFileSystem() throws Exception {
        mount = Files.createDirectory(base.resolve("small"));
        Process process = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        boolean mounted = process.waitFor() == 0;
        if (!mounted && Boolean.getBoolean("latchkey.requireSystemPrograms")) {
            throw new IllegalStateException("cannot mount a tmpfs for the full-disk test: " + output);
        }
        assumeTrue(mounted, "mounting a tmpfs needs root (mount -t tmpfs): " + output.strip());
    }

    @AfterEach
    void unmount() throws Exception {
        new ProcessBuilder("umount", "-l", mount.toString()).redirectErrorStream(true).start().waitFor();
    }

    @Test
    void whenTheDiskIsFullWritesAnswer503ReadsAndIssuanceGoOnAndItRecoversWhenSpaceReturns() throws Exception {
        Path dataDir = mount.resolve("data");
        java.util.List<String> acknowledged = new java.util.ArrayList<>();
        try (ServerProcess server = ServerProcess.start(dataDir, TestServer.ADMIN_KEY)) {
            JsonNode before = TestServer.json(createClient(server));
            String clientId = before.get("clientId").asText();
            acknowledged.add(clientId);
            String basic = "Basic " + Base64.getEncoder().encodeToString(
                    (clientId + ":" + before.get("clientSecret").asText()).getBytes());
            assertThat(token(server, basic).statusCode()).isEqualTo(200); // the client is now in memory

            Path filler = fill(mount.resolve("filler"));
            // SQLite reuses its write-ahead log's pages, so the first writes may still fit; the
            // log (or the file a checkpoint copies it into) must grow before a write fails.
            HttpResponse<String> refused = createClient(server);
            while (refused.statusCode() == 201 && acknowledged.size() < 20_000) {
                acknowledged.add(TestServer.json(refused).get("clientId").asText());
                refused = createClient(server);
            }
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(TestServer.json(refused).get("error").asText()).isEqualTo("temporarily_unavailable");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(token(server, basic).statusCode()).isEqualTo(200);
            assertThat(server.get("/admin/clients/" + clientId, "X-API-Key", TestServer.ADMIN_KEY).statusCode())
                    .isEqualTo(200);
            assertThat(server.get("/health/live").statusCode()).isEqualTo(200);

            Files.delete(filler);
            HttpResponse<String> after = createClient(server);
            assertThat(after.statusCode()).as(after.body()).isEqualTo(201);
            acknowledged.add(TestServer.json(after).get("clientId").asText());
        }
        try (ServerProcess restarted = ServerProcess.start(dataDir, TestServer.ADMIN_KEY)) {
            String listed = restarted.get("/admin/clients?partnerId=full-disk", "X-API-Key", TestServer.ADMIN_KEY).body();
            // Every write that answered 201 is there, the one after the disk had room again included.
            // (A refused create is not: the client and its audit event commit together or not at all.)
            for (String id : acknowledged) {
                assertThat(listed).contains(id);
            }
        }
    }

    private static HttpResponse<String> createClient(ServerProcess server) {
        return server.post("/admin/clients", JSON, "{\"partnerId\":\"full-disk\"}", "X-API-Key", TestServer.ADMIN_KEY);
    }

    private static HttpResponse<String> token(ServerProcess server, String basic) {
        return server.post("/oauth2/token", "application/x-www-form-urlencoded", "grant_type=client_credentials",
                "Authorization", basic);
    }

    /** Writes {@code file} until the file system has no byte left. */
    private static Path fill(Path file) {
        for (int size : new int[] {65_536, 1}) {
            try (OutputStream out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND)) {
                byte[] chunk = new byte[size];
                while (true) {
                    out.write(chunk);
                    out.flush();
                }
            } catch (IOException full) {
                // ENOSPC: full at this granularity
            }
        }
        return file;
    }
}
