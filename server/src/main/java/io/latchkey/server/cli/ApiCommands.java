package io.latchkey.server.cli;

import static io.latchkey.server.cli.AdminClient.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code latchkey api …}: the protected APIs tokens are minted for (SPEC §6), through the admin API. */
@Command(name = "api", description = "Register, list, show and delete protected APIs (token audiences).",
        subcommands = {ApiCommands.Create.class, ApiCommands.ListApis.class, ApiCommands.Get.class,
                ApiCommands.Delete.class},
        footerHeading = "%nExamples:%n",
        footer = {"  latchkey api create --identifier https://orders.example.com/ --scope orders:read --ttl PT5M",
                "  latchkey api list",
                "  latchkey client grant Smn-BntlvbiGriYh-xuYlA q3V9xN2sTbK0mYw7cE1uRg --scope orders:read"})
public final class ApiCommands {
    private ApiCommands() {
    }

    @Command(name = "create", description = "Register an API: its identifier becomes the aud of tokens asked for it.",
            footerHeading = "%nExamples:%n",
            footer = {"  latchkey api create --identifier https://orders.example.com/ --scope orders:read,orders:write",
                    "  latchkey api create --identifier https://invoices.example.com/ --name Invoices --ttl PT5M"})
    static final class Create implements Callable<Integer> {
        @Mixin
        AdminOptions admin;

        @Mixin
        Output output;

        @Option(names = "--identifier", required = true, paramLabel = "<uri>", preprocessor = LiteralValue.class,
                description = "An absolute URI without fragment (RFC 8707), what token requests name as resource")
        String identifier;

        @Option(names = "--scope", split = ",", paramLabel = "<scope>",
                description = "A scope the API understands; repeat it or separate scopes with commas")
        List<String> scopes;

        @Option(names = "--name", preprocessor = LiteralValue.class, description = "A name for people")
        String name;

        @Option(names = "--ttl", paramLabel = "<duration>", preprocessor = LiteralValue.class,
                description = "Lifetime of its access tokens, ISO-8601 (PT5M); default the server's")
        String ttl;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("identifier", identifier);
            body.put("scopes", scopes == null ? List.of() : scopes);
            if (name != null) {
                body.put("name", name);
            }
            if (ttl != null) {
                body.put("accessTokenTtl", ttl);
            }
            JsonNode api = admin.client().post("/admin/apis", body);
            if (output.json()) {
                output.print(api);
                return 0;
            }
            output.out().println("Registered API " + text(api, "id") + " for " + text(api, "identifier") + ".");
            output.out().flush();
            return 0;
        }
    }

    @Command(name = "list", description = "List the registered APIs.",
            footerHeading = "%nExamples:%n", footer = {"  latchkey api list", "  latchkey api list --json"})
    static final class ListApis implements Callable<Integer> {
        @Mixin
        AdminOptions admin;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            JsonNode answer = admin.client().get("/admin/apis", Map.of());
            if (output.json()) {
                output.print(answer);
                return 0;
            }
            Table table = new Table("ID", "IDENTIFIER", "NAME", "SCOPES", "TTL");
            for (JsonNode api : answer.path("apis")) {
                table.row(text(api, "id"), text(api, "identifier"), text(api, "name"), scopes(api),
                        text(api, "accessTokenTtl"));
            }
            table.print(output.out());
            return 0;
        }
    }

    @Command(name = "get", description = "Show one API.",
            footerHeading = "%nExamples:%n", footer = {"  latchkey api get q3V9xN2sTbK0mYw7cE1uRg"})
    static final class Get implements Callable<Integer> {
        @Mixin
        AdminOptions admin;

        @Mixin
        Output output;

        @Parameters(paramLabel = "<apiId>", preprocessor = LiteralValue.class, description = "The API's id")
        String id;

        @Override
        public Integer call() {
            JsonNode api = admin.client().get("/admin/apis/" + AdminClient.segment(id), Map.of());
            if (output.json()) {
                output.print(api);
                return 0;
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("API ID", text(api, "id"));
            details.put("Identifier", text(api, "identifier"));
            details.put("Name", text(api, "name"));
            details.put("Scopes", scopes(api));
            details.put("Token lifetime", text(api, "accessTokenTtl") == null ? "server default" : text(api, "accessTokenTtl"));
            details.put("Created", text(api, "createdAt"));
            Table.details(output.out(), details);
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete an API and every grant to it: its tokens stop working at once.",
            footerHeading = "%nExamples:%n", footer = {"  latchkey api delete q3V9xN2sTbK0mYw7cE1uRg"})
    static final class Delete implements Callable<Integer> {
        @Mixin
        AdminOptions admin;

        @Mixin
        Output output;

        @Parameters(paramLabel = "<apiId>", preprocessor = LiteralValue.class, description = "The API's id")
        String id;

        @Override
        public Integer call() {
            JsonNode answer = admin.client().delete("/admin/apis/" + AdminClient.segment(id));
            if (output.json()) {
                output.print(answer);
            } else {
                output.out().println("Deleted API " + id + ".");
                output.out().flush();
            }
            return 0;
        }
    }

    static String scopes(JsonNode holder) {
        StringBuilder joined = new StringBuilder();
        for (JsonNode scope : holder.path("scopes")) {
            joined.append(joined.length() == 0 ? "" : " ").append(scope.asText());
        }
        return joined.toString();
    }
}
