package io.latchkey.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.PostgresForTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code latchkey migrate} and {@code latchkey version}, which need no running server. */
class CliStoreAndVersionCommandsTest {
    @TempDir
    Path dataDir;

    private String database;

    @Test
    void migrateOnAFreshStoreCreatesItAndPrintsItsSchemaVersion() {
        Cli.Result migrated = Cli.run(migrate()).succeeded();

        assertThat(migrated.out().strip()).matches("(SQLite|PostgreSQL) .* is at schema version \\d+\\.");
        if (!PostgresForTests.selected()) {
            assertThat(migrated.out()).contains(dataDir.resolve("latchkey.db").toString());
            assertThat(dataDir.resolve("latchkey.db")).exists();
        }
    }

    @Test
    void migratingAMigratedStoreChangesNothing() {
        String[] args = migrate();
        String first = Cli.run(args).succeeded().out();

        assertThat(Cli.run(args).succeeded().out()).isEqualTo(first);
    }

    @Test
    void migrateCreatesNoKeyMaterial() throws Exception {
        Cli.run(migrate()).succeeded();

        try (var files = Files.list(dataDir)) {
            assertThat(files.map(file -> file.getFileName().toString())).doesNotContain("master.key");
        }
    }

    @Test
    void serveExitWhenReadyStartsOnAFreshStoreStopsAndCanDoItAgain() {
        // The launcher's training run for its class-data archive: a whole start, then exit 0.
        String[] args = store("serve", "--exit-when-ready", "--host", "127.0.0.1", "--port", "0");

        Cli.Result fresh = Cli.run(args).succeeded();
        Cli.Result again = Cli.run(args).succeeded(); // the store is current now: no migration

        assertThat(fresh.out()).isEmpty(); // not even the generated admin key: nobody would see it
        assertThat(again.out()).isEmpty();
        assertThat(Cli.run(store("migrate")).succeeded().out()).contains("is at schema version");
    }

    @Test
    void theTrainingRunWritesTheSqliteNativeLibraryThatSqliteJdbcWouldLoad() throws Exception {
        Path copy = dataDir.resolve("sqlite-library-copy.so");
        String resource = org.sqlite.util.LibraryLoaderUtil.getNativeLibResourcePath() + "/"
                + org.sqlite.util.LibraryLoaderUtil.getNativeLibName();
        byte[] original;
        try (var in = org.sqlite.util.LibraryLoaderUtil.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            original = in.readAllBytes();
        }

        Cli.run(store("serve", "--exit-when-ready", "--copy-sqlite-library", copy.toString(),
                "--host", "127.0.0.1", "--port", "0")).succeeded();

        assertThat(Files.readAllBytes(copy)).isEqualTo(original);
    }

    @Test
    void versionPrintsTheProjectVersion() {
        String version = Cli.run("version").succeeded().out().strip();

        assertThat(version).matches("latchkey \\d+\\.\\d+\\.\\d+.*");
        assertThat(Cli.run("--version").succeeded().out().strip()).isEqualTo(version);
    }

    /** {@code migrate} on a fresh store: the data dir, or a new PostgreSQL database when the suite runs on one. */
    private String[] migrate() {
        return store("migrate");
    }

    /** {@code command} on this test's store (one new PostgreSQL database per test when the suite runs on one). */
    private String[] store(String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of("--data-dir", dataDir.toString()));
        if (PostgresForTests.selected()) {
            if (database == null) {
                database = PostgresForTests.newDatabase();
            }
            args.addAll(List.of("--db-url", database, "--db-user", "postgres"));
        }
        return args.toArray(String[]::new);
    }
}
