package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.cli.Cli;
import io.latchkey.server.cli.Cli.Result;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code latchkey backup} and {@code restore}, each a process of its own, against a real server process (docs/operations.md). */
@Tag("sqlite-only")
class BackupRestoreTest {
    private static final String PARTNER = "backup-partner";

    @TempDir
    Path dataDir;

    @TempDir
    Path backups;

    @Test
    void aBackupTakenUnderWriteLoadRestoresEveryWriteAcknowledgedBeforeItBegan() throws Exception {
        Path backup = backups.resolve("latchkey.backup.db");
        List<String> acknowledged = new CopyOnWriteArrayList<>();
        List<String> beforeBackup;
        try (ServerProcess server = ServerProcess.start(dataDir, TestServer.ADMIN_KEY)) {
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread writer = new Thread(() -> {
                while (writing.get()) {
                    HttpResponse<String> created = server.post("/admin/clients", "application/json",
                            "{\"partnerId\":\"" + PARTNER + "\"}", "X-API-Key", TestServer.ADMIN_KEY);
                    assertThat(created.statusCode()).isEqualTo(201);
                    acknowledged.add(TestServer.json(created).get("clientId").asText());
                }
            }, "backup-test-writer");
            writer.start();
            while (acknowledged.size() < 50) {
                Thread.onSpinWait();
            }
            beforeBackup = List.copyOf(acknowledged);
            Result backedUp = latchkey("backup", backup.toString(), "--data-dir", dataDir.toString());
            int acknowledgedByThen = acknowledged.size();
            while (acknowledged.size() < acknowledgedByThen + 20) {
                Thread.onSpinWait(); // the server kept writing during and after the backup
            }
            writing.set(false);
            writer.join();

            assertThat(backedUp.exitCode()).as(backedUp.err()).isZero();
            assertThat(backedUp.out()).contains("fsynced").contains("master key is not in the backup");
            Result refused = latchkey("restore", backup.toString(), "--data-dir", dataDir.toString());
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.err()).contains("running server holds");
        }

        Result restored = latchkey("restore", backup.toString(), "--data-dir", dataDir.toString());
        assertThat(restored.exitCode()).as(restored.err()).isZero();
        assertThat(restored.out()).contains("previous store is kept as");
        try (ServerProcess server = ServerProcess.start(dataDir, TestServer.ADMIN_KEY)) {
            String listed = server.get("/admin/clients?partnerId=" + PARTNER, "X-API-Key", TestServer.ADMIN_KEY).body();
            for (String clientId : beforeBackup) {
                assertThat(listed).contains(clientId);
            }
        }
    }

    @Test
    void restoreChecksTheBackupBeforeReplacingAnything() throws Exception {
        Path backup = backups.resolve("good.db");
        try (ServerProcess server = ServerProcess.start(dataDir, TestServer.ADMIN_KEY)) {
            assertThat(latchkey("backup", backup.toString(), "--data-dir", dataDir.toString()).exitCode()).isZero();
        }
        byte[] storeBefore = Files.readAllBytes(dataDir.resolve("latchkey.db"));

        Path garbage = Files.writeString(backups.resolve("garbage.db"), "not a database at all");
        Result notAStore = latchkey("restore", garbage.toString(), "--data-dir", dataDir.toString());
        Result wrongKey = latchkey("restore", backup.toString(), "--data-dir", dataDir.toString(),
                "--master-key", java.util.Base64.getEncoder().encodeToString(new byte[32]));
        Result overwrite = latchkey("backup", backup.toString(), "--data-dir", dataDir.toString());

        assertThat(notAStore.exitCode()).isNotZero();
        assertThat(notAStore.err()).contains("nothing was replaced");
        assertThat(wrongKey.exitCode()).isNotZero();
        assertThat(wrongKey.err()).contains("master key does not unseal").contains("nothing was replaced");
        assertThat(overwrite.exitCode()).isNotZero();
        assertThat(overwrite.err()).contains("exists already");
        assertThat(Files.readAllBytes(dataDir.resolve("latchkey.db"))).isEqualTo(storeBefore);
        assertThat(Files.exists(dataDir.resolve("latchkey.db.restoring"))).isFalse();
    }

    /** The command line as an operator runs it: {@code latchkey ARGS} in a JVM of its own. */
    private static Result latchkey(String... args) {
        return Cli.process(args);
    }
}
