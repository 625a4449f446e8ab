package io.latchkey.server.cli;

import static io.latchkey.server.cli.AdminClient.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code latchkey webhook …}: webhooks (SPEC §10), signed deliveries of what changed. */
@Command(name = "webhook", description = "Create, list and delete webhooks, and read their delivery logs.",
        subcommands = {WebhookCommands.Create.class, WebhookCommands.ListWebhooks.class, WebhookCommands.Delete.class,
                WebhookCommands.Deliveries.class},
        footerHeading = "%nExamples:%n",
        footer = {"  latchkey webhook create https://ops.example.com/latchkey --event client.created "
                + "--event client.deleted",
                "  latchkey webhook create https://ops.example.com/latchkey --event '*'",
                "  latchkey webhook list",
                "  latchkey webhook deliveries wh_3q2-7RkPq0Yx"})
public final class WebhookCommands {
    private WebhookCommands() {
    }

    @Command(name = "create", description = {
            "Subscribe a URL to events; the signing secret (whsec_...) is printed this once.",
            "Events: client.created, client.deleted, client.secret_rotated, client.secret_expiring, apikey.created, "
                    + "apikey.deleted, keys.rotated, refresh_token.reuse_detected, client.locked_out, or * for all."},
            footerHeading = "%nExamples:%n",
            footer = {"  latchkey webhook create https://ops.example.com/latchkey --event '*'",
                    "  latchkey webhook create https://ops.example.com/hook --event client.secret_expiring --json"})
    static final class Create implements Callable<Integer> {
        @Mixin
        AdminOptions admin;

        @Mixin
        Output output;

        @Parameters(paramLabel = "<url>", preprocessor = LiteralValue.class,
                description = "The http or https URL deliveries are posted to")
        String url;

        @Option(names = "--event", required = true, split = ",", paramLabel = "<type>",
                description = "An event type to deliver, or * for all; repeat it or separate types with commas")
        List<String> events = new ArrayList<>();

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("url", url);
            body.put("events", events);
            JsonNode created = admin.client().post("/admin/webhooks", body);
            if (output.json()) {
                output.print(created);
                return 0;
            }
            PrintWriter out = output.out();
            out.println("Created webhook " + text(created, "id") + " for " + text(created, "url")
                    + ". Its signing secret is shown only this once: store it now.");
            out.println();
            out.println("      " + text(created, "secret"));
            out.println();
            out.println("Verify each delivery's webhook-signature with it (Standard Webhooks).");
            out.flush();
            return 0;
        }
    }

    @Command(name = "list", description = "List webhooks; those whose deliveries keep failing are marked FAILING.",
            footerHeading = "%nExamples:%n", footer = {"  latchkey webhook list", "  latchkey webhook list --json"})
    static final class ListWebhooks implements Callable<Integer> {
        @Mixin
        AdminOptions admin;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            JsonNode answer = admin.client().get("/admin/webhooks", Map.of());
            if (output.json()) {
                output.print(answer);
                return 0;
            }
            Table table = new Table("ID", "URL", "EVENTS", "STATE", "CREATED");
            for (JsonNode webhook : answer.path("webhooks")) {
                List<String> events = new ArrayList<>();
                webhook.path("events").forEach(event -> events.add(event.asText()));
                table.row(text(webhook, "id"), text(webhook, "url"), String.join(",", events),
                        webhook.path("failing").asBoolean() ? "FAILING since " + text(webhook, "failingSince") : "ok",
                        text(webhook, "createdAt"));
            }
            table.print(output.out());
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a webhook: nothing more is delivered to it.",
            footerHeading = "%nExamples:%n", footer = {"  latchkey webhook delete wh_3q2-7RkPq0Yx"})
    static final class Delete implements Callable<Integer> {
        @Mixin
        AdminOptions admin;

        @Mixin
        Output output;

        @Parameters(paramLabel = "<id>", preprocessor = LiteralValue.class,
                description = "The webhook's id, as 'latchkey webhook list' shows it")
        String id;

        @Override
        public Integer call() {
            JsonNode answer = admin.client().delete("/admin/webhooks/" + AdminClient.segment(id));
            if (output.json()) {
                output.print(answer);
            } else {
                output.out().println("Deleted webhook " + id + ".");
                output.out().flush();
            }
            return 0;
        }
    }

    @Command(name = "deliveries", description = "A webhook's delivery log, newest first.",
            footerHeading = "%nExamples:%n", footer = {"  latchkey webhook deliveries wh_3q2-7RkPq0Yx --limit 20"})
    static final class Deliveries implements Callable<Integer> {
        @Mixin
        AdminOptions admin;

        @Mixin
        Output output;

        @Parameters(paramLabel = "<id>", preprocessor = LiteralValue.class,
                description = "The webhook's id, as 'latchkey webhook list' shows it")
        String id;

        @Option(names = "--limit", description = "At most this many (1 to 500; default 100)")
        Integer limit;

        @Override
        public Integer call() {
            Map<String, String> query = limit == null ? Map.of() : Map.of("limit", Integer.toString(limit));
            JsonNode answer = admin.client().get("/admin/webhooks/" + AdminClient.segment(id) + "/deliveries", query);
            if (output.json()) {
                output.print(answer);
                return 0;
            }
            Table table = new Table("EVENT", "TYPE", "STATUS", "ATTEMPTS", "LAST", "NEXT ATTEMPT", "CREATED");
            for (JsonNode delivery : answer.path("deliveries")) {
                String last = delivery.path("lastError").isNull() || delivery.path("lastError").isMissingNode()
                        ? text(delivery, "lastStatusCode") : text(delivery, "lastError");
                table.row(text(delivery, "eventId"), text(delivery, "type"), text(delivery, "status"),
                        text(delivery, "attempts"), last, text(delivery, "nextAttemptAt"), text(delivery, "createdAt"));
            }
            table.print(output.out());
            return 0;
        }
    }
}
