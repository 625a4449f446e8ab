package io.latchkey.server.cli;

import static io.latchkey.server.cli.AdminClient.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code latchkey audit}: the audit log, newest first, a page at a time. */
@Command(name = "audit", description = "Show the audit log, newest first: credentials created, deleted or re-keyed, "
        + "API keys, signing-key rotations, refresh-token reuse and rate-limit locks.",
        footerHeading = "%nExamples:%n",
        footer = {"  latchkey audit",
                "  latchkey audit --action client.deleted --since PT24H",
                "  latchkey audit --client Smn-BntlvbiGriYh-xuYlA --limit 20",
                "  latchkey audit --since 2026-01-01T00:00:00Z --until 2026-02-01T00:00:00Z"})
public final class AuditCommand implements Callable<Integer> {
    @Mixin
    AdminOptions admin;

    @Mixin
    Output output;

    @Option(names = "--action", paramLabel = "<action>",
            description = "Only this action, such as client.created, client.deleted, client.secret_rotated, "
                    + "api_key.created, signing_keys.rotated, refresh_token.reuse_detected")
    String action;

    @Option(names = "--client", paramLabel = "<clientId>", preprocessor = LiteralValue.class,
            description = "Only events of this client")
    String clientId;

    @Option(names = "--since", paramLabel = "<time>",
            description = "Only events at or after this instant (2026-01-31T12:00:00Z) or this long ago (PT24H, P7D)")
    String since;

    @Option(names = "--until", paramLabel = "<time>", description = "Only events before this instant or this long ago")
    String until;

    @Option(names = "--limit", paramLabel = "<n>", description = "At most this many events (the server's default: 100)")
    Integer limit;

    @Option(names = "--cursor", paramLabel = "<cursor>", preprocessor = LiteralValue.class,
            description = "Continue after the page that printed it")
    String cursor;

    @Override
    public Integer call() {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("action", action);
        query.put("clientId", clientId);
        query.put("since", instant(since));
        query.put("until", instant(until));
        query.put("limit", limit == null ? null : limit.toString());
        query.put("cursor", cursor);
        JsonNode answer = admin.client().get("/admin/audit", query);
        if (output.json()) {
            output.print(answer);
            return 0;
        }
        JsonNode events = answer.path("events");
        if (events.isEmpty()) {
            output.out().println("No events.");
            output.out().flush();
            return 0;
        }
        Table table = new Table("AT", "ACTION", "ACTOR", "SOURCE", "CLIENT", "DETAIL");
        for (JsonNode event : events) {
            table.row(text(event, "at"), text(event, "action"), text(event, "actor"), text(event, "source"),
                    text(event, "clientId"), text(event, "detail"));
        }
        table.print(output.out());
        if (answer.hasNonNull("next")) {
            output.out().println();
            output.out().println("More events: repeat with --cursor " + answer.get("next").asText());
            output.out().flush();
        }
        return 0;
    }

    /** A duration means that long ago; anything else goes to the server, which says what it takes. */
    private static String instant(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Clock.systemUTC().instant().minus(Duration.parse(value.trim())).toString();
        } catch (DateTimeParseException notADuration) {
            return value.trim();
        }
    }
}
