package io.latchkey.server.cli;

import io.latchkey.server.StoreFactory;
import io.latchkey.server.config.ServerConfig;
import io.latchkey.store.jdbc.Database;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code latchkey migrate}: brings the configured store to the current schema without starting
 * the server, as a deployment step before new instances roll out. {@code serve} migrates too.
 */
@Command(name = "migrate", description = "Migrate the configured store to the current schema and print its version.",
        footerHeading = "%nExamples:%n",
        footer = {"  latchkey migrate --data-dir /var/lib/latchkey",
                "  latchkey migrate --db-url jdbc:postgresql://db/latchkey --db-user latchkey"})
public final class MigrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Override
    public Integer call() throws IOException {
        ServerConfig config = store.applyTo(ServerConfig.builder()).build();
        try (Database database = StoreFactory.openDatabase(config)) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(database.description() + " is at schema version " + database.schemaVersion() + ".");
            out.flush();
        }
        return 0;
    }
}
