package io.latchkey.server.cli;

import io.latchkey.server.config.ServerConfig;
import io.latchkey.store.jdbc.SqliteBackup;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code latchkey backup FILE}: a consistent copy of the embedded store, taken while the server
 * runs, fsynced before the command says it is done. The master key is not in it, on purpose.
 */
@Command(name = "backup", description = {
        "Copy the embedded SQLite store to FILE while the server keeps running: every write acknowledged "
                + "before the backup began is in the copy.",
        "The master key is NOT in the copy; keep it apart (LATCHKEY_MASTER_KEY, or master.key in the data dir). "
                + "For PostgreSQL use pg_dump (docs/operations.md)."},
        footerHeading = "%nExamples:%n",
        footer = {"  latchkey backup /var/backups/latchkey-2026-12-03.db --data-dir /var/lib/latchkey"})
public final class BackupCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Parameters(paramLabel = "FILE", description = "Where to write the copy (must not exist)")
    Path file;

    @Override
    public Integer call() throws IOException {
        ServerConfig config = store.applyTo(ServerConfig.builder()).build();
        if (config.dbUrl() != null) {
            throw new CommandFailure("backup copies the embedded SQLite store; for PostgreSQL use pg_dump or "
                    + "point-in-time recovery (docs/operations.md)");
        }
        Path database = config.dataDir().resolve("latchkey.db");
        String version;
        try {
            version = SqliteBackup.backup(database, file);
        } catch (IOException e) {
            throw new CommandFailure(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("Backed up " + database + " to " + file + " (schema version " + version + ", fsynced).");
        out.println("The master key is not in the backup: without it the copy cannot be used. It is "
                + (config.masterKey() != null ? "LATCHKEY_MASTER_KEY" : config.dataDir().resolve("master.key"))
                + "; keep a copy of it apart from the backup.");
        out.flush();
        return 0;
    }
}
