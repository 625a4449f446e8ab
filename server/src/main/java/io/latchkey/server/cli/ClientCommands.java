package io.latchkey.server.cli;

import static io.latchkey.server.cli.AdminClient.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code latchkey client …}: the partners' client credentials, through the admin API (SPEC §4). */
@Command(name = "client", description = "Create, list, show and delete clients; rotate their secrets.",
        subcommands = {ClientCommands.Create.class, ClientCommands.ListClients.class, ClientCommands.Get.class,
                ClientCommands.Delete.class, ClientCommands.RotateSecret.class, ClientCommands.Grant.class,
                ClientCommands.RevokeGrant.class, ClientCommands.Update.class, ClientCommands.Usage.class},
        footerHeading = "%nExamples:%n",
        footer = {"  latchkey client create --partner Acme --scope orders:read",
                "  latchkey client list --partner Acme",
                "  latchkey client list --expiring P14D",
                "  latchkey client rotate-secret Smn-BntlvbiGriYh-xuYlA --grace PT1H"})
public final class ClientCommands {
    private ClientCommands() {
    }

    @Command(name = "create", description = "Create a client for a partner. Its secret is printed this once "
            + "(a private_key_jwt client has none: it signs with a key whose public half --jwks registers).",
            footerHeading = "%nExamples:%n",
            footer = {"  latchkey client create --partner Acme",
                    "  latchkey client create --partner Acme --scope orders:read,orders:write",
                    "  latchkey client create --partner Acme --name 'Orders sync'",
                    "  latchkey client create --partner Acme --auth private_key_jwt --jwks acme-public.jwks.json",
                    "  latchkey client create --partner Acme --auth private_key_jwt --jwks-uri https://acme.example/jwks.json",
                    "  latchkey client create --partner Acme --auth tls_client_auth --tls-subject 'CN=orders-sync,O=Acme'",
                    "  latchkey client create --partner Acme --auth self_signed_tls_client_auth --jwks acme-cert.jwks.json",
                    "  latchkey client create --partner Acme --secret-ttl P90D --allowed-source 203.0.113.0/24 "
                            + "--tokens-per-hour 100",
                    "  latchkey client create --partner Acme --json | jq -r .clientSecret"})
    static final class Create implements Callable<Integer> {
        @Mixin
        AdminOptions admin;

        @Mixin
        Output output;

        @Option(names = {"-p", "--partner"}, required = true, paramLabel = "<partnerId>", preprocessor = LiteralValue.class,
                description = "The partner the client belongs to")
        String partnerId;

        @Option(names = "--scope", split = ",", paramLabel = "<scope>",
                description = "A scope the client may ask for; repeat it or separate scopes with commas")
        List<String> scopes;

        @Option(names = "--name", preprocessor = LiteralValue.class,
                description = "A name for people, such as the partner's system")
        String name;

        @Option(names = "--auth", paramLabel = "<method>", defaultValue = "client_secret_basic",
                description = "How the client authenticates: client_secret_basic (the default; a secret), "
                        + "private_key_jwt (a signed assertion; needs --jwks or --jwks-uri), tls_client_auth (a certificate from "
                        + "the server's client CA; needs --tls-subject) or self_signed_tls_client_auth (a "
                        + "self-signed certificate; needs --jwks with its public key)")
        String auth;

        @Option(names = "--jwks", paramLabel = "<file>",
                description = "For private_key_jwt and self_signed_tls_client_auth: a JSON file with the JWK set of "
                        + "the client's PUBLIC keys")
        Path jwks;

        @Option(names = "--jwks-uri", paramLabel = "<url>", preprocessor = LiteralValue.class,
                description = "For private_key_jwt: the https URL where the client serves the JWK set of its "
                        + "public keys (http only on a loopback host); the server fetches it now and when keys change")
        String jwksUri;

        @Option(names = "--tls-subject", paramLabel = "<DN>", preprocessor = LiteralValue.class,
                description = "For tls_client_auth: the subject DN of the client's certificate (RFC 4514), "
                        + "such as CN=orders-sync,O=Acme")
        String tlsSubject;

        @Mixin
        LimitOptions limits;

        @Option(names = "--secret-ttl", paramLabel = "<duration>",
                description = "How long the secret works, ISO-8601 such as P90D (default: LATCHKEY_SECRET_TTL, else forever)")
        String secretTtl;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("partnerId", partnerId);
            if (secretTtl != null) {
                body.put("secretTtl", secretTtl);
            }
            limits.addTo(body);
            body.put("tokenEndpointAuthMethod", auth);
            if (jwks != null && jwksUri != null) {
                throw new CommandFailure("Give --jwks or --jwks-uri, not both");
            }
            if (jwks != null) {
                body.put("jwks", readJwks(jwks));
            } else if (jwksUri != null) {
                body.put("jwksUri", jwksUri);
            } else if ("private_key_jwt".equals(auth)) {
                throw new CommandFailure("--auth private_key_jwt needs --jwks <file>, the JWK set of the client's public "
                        + "keys, or --jwks-uri <url>, where the client serves it");
            } else if ("self_signed_tls_client_auth".equals(auth)) {
                throw new CommandFailure("--auth " + auth + " needs --jwks <file>, the JWK set of the client's public keys");
            }
            if (tlsSubject != null) {
                body.put("tlsClientAuthSubjectDn", tlsSubject);
            } else if ("tls_client_auth".equals(auth)) {
                throw new CommandFailure("--auth tls_client_auth needs --tls-subject <DN>, the subject of its certificate");
            }
            if (scopes != null) {
                body.put("scopes", scopes);
            }
            if (name != null) {
                body.put("name", name);
            }
            JsonNode created = admin.client().post("/admin/clients", body);
            if (output.json()) {
                output.print(created);
                return 0;
            }
            PrintWriter out = output.out();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("Client ID", text(created, "clientId"));
            if (created.hasNonNull("clientSecret")) {
                out.println("Created a client. Its secret is shown only this once: store it now.");
                details.put("Client secret", text(created, "clientSecret"));
            } else {
                out.println(String.valueOf(text(created, "tokenEndpointAuthMethod")).contains("tls_client_auth")
                        ? "Created a client. It has no secret: it authenticates with its TLS client certificate."
                        : "Created a client. It has no secret: it authenticates with assertions signed by its keys.");
            }
            out.println();
            details.putAll(describe(created));
            Table.details(out, details);
            return 0;
        }
    }

    @Command(name = "list", description = "List clients, never with their secrets.",
            footerHeading = "%nExamples:%n",
            footer = {"  latchkey client list", "  latchkey client list --partner Acme --json",
                    "  latchkey client list --expiring P14D   (secrets that expire within 14 days, or have)"})
    static final class ListClients implements Callable<Integer> {
        @Mixin
        AdminOptions admin;

        @Mixin
        Output output;

        @Option(names = {"-p", "--partner"}, paramLabel = "<partnerId>", preprocessor = LiteralValue.class,
                description = "Only this partner's clients")
        String partnerId;

        @Option(names = "--expiring", paramLabel = "<duration>",
                description = "Only clients whose secret expires within this long from now, or has expired, "
                        + "ISO-8601 such as P14D")
        String expiring;

        @Override
        public Integer call() {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("partnerId", partnerId);
            query.put("expiringWithin", expiring);
            JsonNode answer = admin.client().get("/admin/clients", query);
            if (output.json()) {
                output.print(answer);
                return 0;
            }
            JsonNode clients = answer.path("clients");
            if (clients.isEmpty()) {
                output.out().println(partnerId == null ? "No clients." : "No clients of partner " + partnerId + ".");
                output.out().flush();
                return 0;
            }
            Table table = new Table("CLIENT ID", "PARTNER", "NAME", "SCOPES", "CREATED", "SECRET EXPIRES");
            for (JsonNode client : clients) {
                table.row(text(client, "clientId"), text(client, "partnerId"), text(client, "name"),
                        words(client.path("scopes")), text(client, "createdAt"), text(client, "secretExpiresAt"));
            }
            table.print(output.out());
            return 0;
        }
    }

    @Command(name = "get", description = "Show one client, never with its secret.",
            footerHeading = "%nExamples:%n", footer = {"  latchkey client get Smn-BntlvbiGriYh-xuYlA"})
    static final class Get implements Callable<Integer> {
        @Mixin
        AdminOptions admin;

        @Mixin
        Output output;

        @Parameters(paramLabel = "<clientId>", preprocessor = LiteralValue.class, description = "The client's id")
        String clientId;

        @Override
        public Integer call() {
            JsonNode client = admin.client().get("/admin/clients/" + AdminClient.segment(clientId), Map.of());
            show(client, output);
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a client: its secret, refresh tokens and access tokens stop "
            + "working at once.",
            footerHeading = "%nExamples:%n", footer = {"  latchkey client delete Smn-BntlvbiGriYh-xuYlA"})
    static final class Delete implements Callable<Integer> {
        @Mixin
        AdminOptions admin;

        @Mixin
        Output output;

        @Parameters(paramLabel = "<clientId>", preprocessor = LiteralValue.class, description = "The client's id")
        String clientId;

        @Override
        public Integer call() {
            JsonNode answer = admin.client().delete("/admin/clients/" + AdminClient.segment(clientId));
            if (output.json()) {
                output.print(answer);
            } else {
                output.out().println("Deleted client " + clientId + ".");
                output.out().flush();
            }
            return 0;
        }
    }

    @Command(name = "rotate-secret", description = "Give a client a new secret, printed this once. The old one "
            + "stops working at once, or after a grace period.",
            footerHeading = "%nExamples:%n",
            footer = {"  latchkey client rotate-secret Smn-BntlvbiGriYh-xuYlA",
                    "  latchkey client rotate-secret Smn-BntlvbiGriYh-xuYlA --grace PT1H",
                    "      (the old secret keeps working for one more hour)"})
    static final class RotateSecret implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        AdminOptions admin;

        @Mixin
        Output output;

        @Parameters(paramLabel = "<clientId>", preprocessor = LiteralValue.class, description = "The client's id")
        String clientId;

        @Option(names = "--grace", defaultValue = "PT0S", paramLabel = "<duration>",
                description = "How long the old secret keeps working, ISO-8601 such as PT1H (default: not at all)")
        Duration grace;

        @Option(names = "--secret-ttl", paramLabel = "<duration>",
                description = "How long the new secret works, ISO-8601 such as P90D (default: LATCHKEY_SECRET_TTL, "
                        + "else forever)")
        String secretTtl;

        @Override
        public Integer call() {
            if (grace.isNegative()) {
                throw new ParameterException(spec.commandLine(), "--grace must not be negative");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("graceSeconds", grace.toSeconds());
            if (secretTtl != null) {
                body.put("secretTtl", secretTtl);
            }
            JsonNode rotated = admin.client().post("/admin/clients/" + AdminClient.segment(clientId) + "/secret", body);
            if (output.json()) {
                output.print(rotated);
                return 0;
            }
            PrintWriter out = output.out();
            out.println("Gave the client a new secret. It is shown only this once: store it now.");
            out.println();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("Client ID", text(rotated, "clientId"));
            details.put("Client secret", text(rotated, "clientSecret"));
            String previousUntil = text(rotated, "previousSecretExpiresAt");
            details.put("Old secret", previousUntil == null ? "no longer works" : "works until " + previousUntil);
            String expiresAt = text(rotated, "secretExpiresAt");
            details.put("New secret expires", expiresAt == null ? "never" : expiresAt);
            Table.details(out, details);
            return 0;
        }
    }

    @Command(name = "grant", description = "Grant the client access to a registered API with some of its scopes "
            + "(SPEC §6); replaces an earlier grant.",
            footerHeading = "%nExamples:%n",
            footer = {"  latchkey client grant Smn-BntlvbiGriYh-xuYlA q3V9xN2sTbK0mYw7cE1uRg --scope orders:read"})
    static final class Grant implements Callable<Integer> {
        @Mixin
        AdminOptions admin;

        @Mixin
        Output output;

        @Parameters(index = "0", paramLabel = "<clientId>", preprocessor = LiteralValue.class, description = "The client's id")
        String clientId;

        @Parameters(index = "1", paramLabel = "<apiId>", preprocessor = LiteralValue.class,
                description = "The API's id, as 'latchkey api list' shows it")
        String apiId;

        @Option(names = "--scope", split = ",", paramLabel = "<scope>",
                description = "A scope of the API the client gets; repeat it or separate scopes with commas")
        List<String> scopes;

        @Override
        public Integer call() {
            JsonNode grant = admin.client().put("/admin/clients/" + AdminClient.segment(clientId) + "/apis/"
                    + AdminClient.segment(apiId), Map.of("scopes", scopes == null ? List.of() : scopes));
            if (output.json()) {
                output.print(grant);
                return 0;
            }
            output.out().println("Granted the client " + clientId + " the API " + apiId + " with scopes: "
                    + words(grant.path("scopes")) + ".");
            output.out().flush();
            return 0;
        }
    }

    @Command(name = "revoke-grant", description = "Withdraw the client's grant of an API: its tokens for that API "
            + "stop working at once.",
            footerHeading = "%nExamples:%n",
            footer = {"  latchkey client revoke-grant Smn-BntlvbiGriYh-xuYlA q3V9xN2sTbK0mYw7cE1uRg"})
    static final class RevokeGrant implements Callable<Integer> {
        @Mixin
        AdminOptions admin;

        @Mixin
        Output output;

        @Parameters(index = "0", paramLabel = "<clientId>", preprocessor = LiteralValue.class, description = "The client's id")
        String clientId;

        @Parameters(index = "1", paramLabel = "<apiId>", preprocessor = LiteralValue.class, description = "The API's id")
        String apiId;

        @Override
        public Integer call() {
            JsonNode answer = admin.client().delete("/admin/clients/" + AdminClient.segment(clientId) + "/apis/"
                    + AdminClient.segment(apiId));
            if (output.json()) {
                output.print(answer);
            } else {
                output.out().println("Withdrew the grant of the API " + apiId + " from the client " + clientId + ".");
                output.out().flush();
            }
            return 0;
        }
    }

    @Command(name = "update", description = "Change where a client may authenticate from and how many access "
            + "tokens it may get per hour (SPEC §10).",
            footerHeading = "%nExamples:%n",
            footer = {"  latchkey client update Smn-BntlvbiGriYh-xuYlA --allowed-source 203.0.113.0/24",
                    "  latchkey client update Smn-BntlvbiGriYh-xuYlA --tokens-per-hour 100",
                    "  latchkey client update Smn-BntlvbiGriYh-xuYlA --any-source --no-token-cap"})
    static final class Update implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        AdminOptions admin;

        @Mixin
        Output output;

        @Parameters(paramLabel = "<clientId>", preprocessor = LiteralValue.class, description = "The client's id")
        String clientId;

        @Mixin
        LimitOptions limits;

        @Option(names = "--any-source", description = "Let the client authenticate from anywhere again")
        boolean anySource;

        @Option(names = "--no-token-cap", description = "Drop the client's cap on tokens per hour")
        boolean noTokenCap;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            limits.addTo(body);
            if (anySource) {
                if (body.containsKey("allowedSources")) {
                    throw new ParameterException(spec.commandLine(), "give --allowed-source or --any-source, not both");
                }
                body.put("allowedSources", null);
            }
            if (noTokenCap) {
                if (body.containsKey("tokensPerHour")) {
                    throw new ParameterException(spec.commandLine(), "give --tokens-per-hour or --no-token-cap, not both");
                }
                body.put("tokensPerHour", null);
            }
            if (body.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "nothing to change: give --allowed-source, "
                        + "--any-source, --tokens-per-hour or --no-token-cap");
            }
            JsonNode client = admin.client().patch("/admin/clients/" + AdminClient.segment(clientId), body);
            show(client, output);
            return 0;
        }
    }

    @Command(name = "usage", description = "Show the access tokens a client got in the last hour and day, on every "
            + "instance (counted in memory, in the store within seconds).",
            footerHeading = "%nExamples:%n", footer = {"  latchkey client usage Smn-BntlvbiGriYh-xuYlA"})
    static final class Usage implements Callable<Integer> {
        @Mixin
        AdminOptions admin;

        @Mixin
        Output output;

        @Parameters(paramLabel = "<clientId>", preprocessor = LiteralValue.class, description = "The client's id")
        String clientId;

        @Override
        public Integer call() {
            JsonNode usage = admin.client().get("/admin/clients/" + AdminClient.segment(clientId) + "/usage", Map.of());
            if (output.json()) {
                output.print(usage);
                return 0;
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("Client ID", text(usage, "clientId"));
            details.put("Tokens in the last hour", usage.path("lastHour").asText());
            details.put("Tokens in the last day", usage.path("lastDay").asText());
            details.put("Tokens per hour allowed", usage.hasNonNull("tokensPerHour")
                    ? usage.path("tokensPerHour").asText() : "no cap");
            details.put("Tokens needed per hour", usage.path("tokensNeededPerHour").asText());
            details.put("Caching", usage.path("notCaching").asBoolean() ? "no: more than twice the tokens it needs"
                    : "yes");
            Table.details(output.out(), details);
            return 0;
        }
    }

    /** The options of SPEC §10's limits, shared by create and update. */
    static final class LimitOptions {
        @Option(names = "--allowed-source", split = ",", paramLabel = "<cidr>",
                description = "A CIDR block the client may authenticate from, such as 203.0.113.0/24; repeat it or "
                        + "separate blocks with commas (default: anywhere)")
        List<String> allowedSources;

        @Option(names = "--tokens-per-hour", paramLabel = "<n>",
                description = "The most access tokens the client may get per hour; beyond, 429 (default: no cap)")
        Long tokensPerHour;

        void addTo(Map<String, Object> body) {
            if (allowedSources != null) {
                body.put("allowedSources", allowedSources);
            }
            if (tokensPerHour != null) {
                body.put("tokensPerHour", tokensPerHour);
            }
        }
    }

    /** The JWK set in {@code file}, as JSON; the server checks that it holds public keys only. */
    private static JsonNode readJwks(Path file) {
        try {
            return new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            // The message names the file and what is wrong with it, never its content.
            throw new CommandFailure("cannot read the JWK set " + file + ": " + e.getClass().getSimpleName());
        }
    }

    /** A client's view as JSON, or as its details under its id. */
    private static void show(JsonNode client, Output output) {
        if (output.json()) {
            output.print(client);
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("Client ID", text(client, "clientId"));
        details.putAll(describe(client));
        Table.details(output.out(), details);
    }

    private static Map<String, Object> describe(JsonNode client) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("Partner", text(client, "partnerId"));
        details.put("Authentication", text(client, "tokenEndpointAuthMethod"));
        if (client.has("jwks")) {
            List<String> kids = new ArrayList<>();
            client.path("jwks").path("keys").forEach(key -> kids.add(key.path("kty").asText()
                    + (key.has("kid") ? " " + key.path("kid").asText() : "")));
            details.put("Keys", String.join(", ", kids));
        }
        if (client.has("jwksUri")) {
            details.put("Keys at", text(client, "jwksUri"));
        }
        if (client.has("tlsClientAuthSubjectDn")) {
            details.put("Certificate subject", text(client, "tlsClientAuthSubjectDn"));
        }
        details.put("Name", text(client, "name"));
        details.put("Scopes", words(client.path("scopes")));
        details.put("Created", text(client, "createdAt"));
        if (client.has("secretExpiresAt")) {
            String expiresAt = text(client, "secretExpiresAt");
            details.put("Secret expires", expiresAt == null ? "never" : expiresAt);
        }
        if (client.has("allowedSources")) {
            details.put("Allowed sources", words(client.path("allowedSources")));
        }
        if (client.has("tokensPerHour")) {
            details.put("Tokens per hour", client.path("tokensPerHour").asText());
        }
        String previousUntil = text(client, "previousSecretExpiresAt");
        if (previousUntil != null) {
            details.put("Old secret works until", previousUntil);
        }
        return details;
    }

    private static String words(JsonNode array) {
        List<String> words = new ArrayList<>();
        array.forEach(element -> words.add(element.asText()));
        return String.join(" ", words);
    }
}
