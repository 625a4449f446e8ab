package io.latchkey.server.cli;

import static io.latchkey.server.cli.AdminClient.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.latchkey.core.apikey.ApiKeyRole;
import io.latchkey.core.apikey.ApiKeys;
import io.latchkey.core.apikey.NewApiKey;
import io.latchkey.core.audit.Actor;
import io.latchkey.server.StoreFactory;
import io.latchkey.server.Wiring;
import io.latchkey.server.config.ServerConfig;
import io.latchkey.store.jdbc.Database;
import java.io.IOException;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code latchkey apikey …}: the admin API keys (SPEC §4), and their recovery when all are lost. */
@Command(name = "apikey", description = "Create, list and delete admin API keys.",
        subcommands = {ApiKeyCommands.Create.class, ApiKeyCommands.ListKeys.class, ApiKeyCommands.Delete.class},
        footerHeading = "%nExamples:%n",
        footer = {"  latchkey apikey create --name ci",
                "  latchkey apikey create --name orders-api --role verifier",
                "  latchkey apikey list",
                "  latchkey apikey create --offline --data-dir /var/lib/latchkey"})
public final class ApiKeyCommands {
    private ApiKeyCommands() {
    }

    @Command(name = "create", description = {
            "Create an admin API key, printed this once.",
            "An admin key (the default) may do everything; a verifier key, for a protected API, may only read the "
                    + "access-token verification keys and introspect tokens.",
            "With --offline, write it straight into the store instead of asking a running server: for recovery when "
                    + "every admin key is lost. It then takes the store options of 'latchkey serve' and their "
                    + "variables, and needs the store's master key."},
            footerHeading = "%nExamples:%n",
            footer = {"  latchkey apikey create --name ci",
                    "  latchkey apikey create --name deploy --json | jq -r .apiKey",
                    "  latchkey apikey create --name orders-api --role verifier",
                    "  latchkey apikey create --offline --data-dir /var/lib/latchkey",
                    "  latchkey apikey create --offline --db-url jdbc:postgresql://db/lk"})
    static final class Create implements Callable<Integer> {
        @Mixin
        AdminOptions admin;

        @Mixin
        Output output;

        @Mixin
        StoreOptions store;

        @Mixin
        MasterKeyOption masterKey;

        @Option(names = "--name", preprocessor = LiteralValue.class,
                description = "What the key is for, such as the system that uses it")
        String name;

        @Option(names = "--role", paramLabel = "<role>", preprocessor = LiteralValue.class,
                description = "admin (the default: everything) or verifier (read verification keys, introspect)")
        String role;

        @Option(names = "--offline", description = "Write the key into the store directly; no server needed")
        boolean offline;

        @Override
        public Integer call() throws IOException {
            JsonNode created = offline ? createOffline() : admin.client().post("/admin/api-keys", body());
            if (output.json()) {
                output.print(created);
                return 0;
            }
            PrintWriter out = output.out();
            out.println("Created " + text(created, "role") + " API key " + text(created, "id")
                    + ". It is shown only this once: store it now.");
            out.println();
            out.println("      " + text(created, "apiKey"));
            out.println();
            out.println("Use it as X-API-Key (admin API), \"apikey\" (pipeline endpoint) "
                    + "or LATCHKEY_API_KEY (this command).");
            out.flush();
            return 0;
        }

        private Map<String, String> body() {
            Map<String, String> body = new java.util.LinkedHashMap<>();
            if (name != null) {
                body.put("name", name);
            }
            if (role != null) {
                body.put("role", role);
            }
            return body.isEmpty() ? null : body;
        }

        /**
         * Hashes the key as the server does, with the pepper unsealed by the same key service, and
         * writes it with the same store: a running server sees it through the change log, a
         * stopped one at its next start. The audit log records it, since no API key vouched for it.
         */
        private JsonNode createOffline() throws IOException {
            ServerConfig config = masterKey.applyTo(store.applyTo(ServerConfig.builder())).build();
            try (Database database = StoreFactory.openDatabase(config)) {
                ApiKeys apiKeys = Wiring.offlineApiKeys(config, database, Clock.systemUTC(), new SecureRandom());
                ApiKeyRole asked = role == null ? ApiKeyRole.ADMIN : ApiKeyRole.of(role);
                NewApiKey created = apiKeys.create(name == null ? "offline" : name, asked,
                        Actor.offline(System.getProperty("user.name")));
                ObjectNode answer = AdminClient.JSON.createObjectNode();
                answer.put("id", created.apiKey().id());
                answer.put("name", created.apiKey().name());
                answer.put("role", created.apiKey().role().storedName());
                answer.put("createdAt", created.apiKey().createdAt().toString());
                answer.put("apiKey", created.key());
                return answer;
            }
        }
    }

    @Command(name = "list", description = "List admin API keys (their ids, names and roles; keys are stored only as hashes).",
            footerHeading = "%nExamples:%n", footer = {"  latchkey apikey list", "  latchkey apikey list --json"})
    static final class ListKeys implements Callable<Integer> {
        @Mixin
        AdminOptions admin;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            JsonNode answer = admin.client().get("/admin/api-keys", Map.of());
            if (output.json()) {
                output.print(answer);
                return 0;
            }
            Table table = new Table("ID", "NAME", "ROLE", "CREATED");
            for (JsonNode key : answer.path("apiKeys")) {
                table.row(text(key, "id"), text(key, "name"), text(key, "role"), text(key, "createdAt"));
            }
            table.print(output.out());
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete an admin API key: it stops working at once.",
            footerHeading = "%nExamples:%n", footer = {"  latchkey apikey delete 3q2-7RkPq0Yx"})
    static final class Delete implements Callable<Integer> {
        @Mixin
        AdminOptions admin;

        @Mixin
        Output output;

        @Parameters(paramLabel = "<id>", preprocessor = LiteralValue.class,
                description = "The key's id, as 'latchkey apikey list' shows it")
        String id;

        @Override
        public Integer call() {
            JsonNode answer = admin.client().delete("/admin/api-keys/" + AdminClient.segment(id));
            if (output.json()) {
                output.print(answer);
            } else {
                output.out().println("Deleted API key " + id + ".");
                output.out().flush();
            }
            return 0;
        }
    }
}
