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
    void versionPrintsTheProjectVersion() {
        String version = Cli.run("version").succeeded().out().strip();

        assertThat(version).matches("latchkey \\d+\\.\\d+\\.\\d+.*");
        assertThat(Cli.run("--version").succeeded().out().strip()).isEqualTo(version);
    }

    /** {@code migrate} on a fresh store: the data dir, or a new PostgreSQL database when the suite runs on one. */
    private String[] migrate() {
        List<String> args = new ArrayList<>(List.of("migrate", "--data-dir", dataDir.toString()));
        if (PostgresForTests.selected()) {
            args.addAll(List.of("--db-url", PostgresForTests.newDatabase(), "--db-user", "postgres"));
        }
        return args.toArray(String[]::new);
    }
}
