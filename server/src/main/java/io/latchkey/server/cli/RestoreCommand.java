package io.latchkey.server.cli;

import io.latchkey.core.key.KeyService;
import io.latchkey.server.DataDirLock;
import io.latchkey.server.StoreFactory;
import io.latchkey.server.config.ServerConfig;
import io.latchkey.store.jdbc.SqliteBackup;
import io.latchkey.store.jdbc.SqliteDatabase;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code latchkey restore FILE}: puts a backup in place of the embedded store, with the server
 * stopped. Everything is checked before anything is replaced — SQLite's integrity check, a schema
 * this release can open (migrated forward), and the master key able to unseal its key material —
 * and the store it replaces is kept beside it.
 */
@Command(name = "restore", description = {
        "Replace the embedded SQLite store with a backup made by 'latchkey backup'. The server must be stopped.",
        "The backup is checked first (integrity, schema version, the master key unseals it); the old store is "
                + "kept as latchkey.db.before-restore-<time> in the data dir."},
        footerHeading = "%nExamples:%n",
        footer = {"  latchkey restore /var/backups/latchkey-2026-12-03.db --data-dir /var/lib/latchkey"})
public final class RestoreCommand implements Callable<Integer> {
    private static final String[] SQLITE_SUFFIXES = {"", "-wal", "-shm"};

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Mixin
    MasterKeyOption masterKey;

    @Parameters(paramLabel = "FILE", description = "A backup made by 'latchkey backup'")
    Path file;

    @Override
    public Integer call() throws IOException {
        ServerConfig config = masterKey.applyTo(store.applyTo(ServerConfig.builder())).build();
        if (config.dbUrl() != null) {
            throw new CommandFailure("restore replaces the embedded SQLite store; for PostgreSQL use pg_restore "
                    + "(docs/operations.md)");
        }
        Path dataDir = config.dataDir();
        try (DataDirLock lock = DataDirLock.tryAcquire(dataDir)) {
            if (lock == null) {
                throw new CommandFailure("a running server holds " + dataDir + "; stop it before restoring");
            }
            String version = check(file);
            Path staged = dataDir.resolve("latchkey.db.restoring");
            Files.copy(file, staged, StandardCopyOption.REPLACE_EXISTING);
            SqliteBackup.fsync(staged);
            try {
                unsealWith(config, staged);
            } catch (RuntimeException | IOException e) {
                Files.deleteIfExists(staged);
                throw new CommandFailure("the master key does not unseal " + file + " (" + e.getMessage()
                        + "): give the key it was made with (--master-key or LATCHKEY_MASTER_KEY); nothing was replaced");
            }
            Path kept = keepOldStore(dataDir);
            // A clean close leaves no write-ahead log; should one remain, it goes with its database.
            for (String suffix : new String[] {"-wal", "-shm", ""}) {
                Path from = Path.of(staged + suffix);
                if (Files.exists(from)) {
                    Files.move(from, Path.of(dataDir.resolve("latchkey.db") + suffix), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            SqliteBackup.fsync(dataDir);
            PrintWriter out = spec.commandLine().getOut();
            out.println("Restored " + file + " (schema version " + version + ") into " + dataDir + ".");
            out.println(kept == null ? "There was no store there before." : "The previous store is kept as " + kept + ".");
            out.flush();
        }
        return 0;
    }

    private static String check(Path backup) {
        try {
            return SqliteBackup.check(backup);
        } catch (IOException e) {
            throw new CommandFailure(e.getMessage() + "; nothing was replaced");
        }
    }

    /** Opens the staged copy as the server would (migrating it) and unseals its pepper. */
    private static void unsealWith(ServerConfig config, Path staged) throws IOException {
        try (SqliteDatabase database = SqliteDatabase.open(staged)) {
            KeyService keys = StoreFactory.keyService(config, database, Clock.systemUTC(), new SecureRandom());
            keys.loadForHashing();
        }
    }

    /** Moves the current store's files aside; the new name, or null when there was none. */
    private static Path keepOldStore(Path dataDir) throws IOException {
        Path current = dataDir.resolve("latchkey.db");
        if (!Files.exists(current)) {
            return null;
        }
        String stamp = Instant.now().toString().replace(':', '-');
        Path kept = dataDir.resolve("latchkey.db.before-restore-" + stamp);
        for (String suffix : SQLITE_SUFFIXES) {
            Path from = Path.of(current + suffix);
            if (Files.exists(from)) {
                Files.move(from, Path.of(kept + suffix), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return kept;
    }
}
