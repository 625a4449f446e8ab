package io.latchkey.server.http;

import io.latchkey.core.webhook.Webhook;
import io.latchkey.core.client.Client;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.SecretLifetime;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.token.CachingCheck;
import io.latchkey.server.Services;
import io.latchkey.server.metrics.RecentActivity;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /admin/overview?within=}: what the console's overview draws, read only. The last
 * hour minute by minute of this instance ({@link RecentActivity}: tokens issued, errors by code),
 * the clients with the most tokens in the last hour over every instance (the usage store, as
 * {@code /admin/clients/{id}/usage} counts) and those that do not cache their tokens
 * ({@link CachingCheck}), and the secrets that expire within {@code within} (default
 * {@code LATCHKEY_SECRET_EXPIRY_WARNING}) or have expired, and the webhooks whose deliveries keep
 * failing.
 */
final class OverviewRoutes {
    /** How many of the busiest clients the overview names. */
    static final int TOP_CLIENTS = 10;
    /** At most this many clients are listed as not caching, and as many secrets as expiring. */
    static final int MAX_LISTED = 100;

    private final Services services;
    private final Operations operations;
    private final RecentActivity recent;
    private final CachingCheck caching;
    private final Duration secretExpiryWarning;

    OverviewRoutes(Services services, Operations operations, RecentActivity recent, CachingCheck caching,
                   Duration secretExpiryWarning) {
        this.services = services;
        this.operations = operations;
        this.recent = recent;
        this.caching = caching;
        this.secretExpiryWarning = secretExpiryWarning;
    }

    void register(RouteTable table) {
        table.get("/admin/overview", this::overview);
    }

    private void overview(RoutingContext ctx) {
        String withinText = AdminRequests.single(ctx, "within");
        Duration within = withinText == null ? secretExpiryWarning : SecretLifetime.parse("within", withinText);
        RecentActivity.Snapshot hour = recent.snapshot();
        operations.onWorker(ctx, () -> {
            Instant now = services.clock().instant();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("generatedAt", now.toString());
            body.put("tokensPerMinute", perMinute(hour));
            body.put("errorsLastHour", errors(hour));
            clients(body);
            body.put("secretsExpiringWithin", iso(within));
            body.put("expiringSecrets", services.clients().secretsExpiringWithin(within, MAX_LISTED).stream()
                    .map(client -> expiring(client, now)).toList());
            body.put("failingWebhooks", services.webhooks().list().stream().filter(Webhook::failing)
                    .map(OverviewRoutes::failing).toList());
            return Reply.ok(body);
        });
    }

    /** P14D rather than {@link Duration#toString()}'s PT336H: secret lifetimes are spoken of in days. */
    private static String iso(Duration duration) {
        long seconds = duration.getSeconds();
        return seconds % 86_400 == 0 && duration.getNano() == 0 ? "P" + seconds / 86_400 + "D" : duration.toString();
    }

    private static List<Map<String, Object>> perMinute(RecentActivity.Snapshot hour) {
        List<Map<String, Object>> minutes = new ArrayList<>(RecentActivity.MINUTES);
        long[] counts = hour.tokensPerMinute();
        for (int i = 0; i < counts.length; i++) {
            Map<String, Object> minute = new LinkedHashMap<>();
            minute.put("minute", hour.firstMinute().plus(Duration.ofMinutes(i)).toString());
            minute.put("tokens", counts[i]);
            minutes.add(minute);
        }
        return minutes;
    }

    /** The hour's error answers, most first. */
    private static List<Map<String, Object>> errors(RecentActivity.Snapshot hour) {
        return hour.errorsByCode().entrySet().stream()
                .sorted(Map.Entry.<ErrorCode, Long>comparingByValue().reversed())
                .map(entry -> {
                    Map<String, Object> error = new LinkedHashMap<>();
                    error.put("error", entry.getKey().code());
                    error.put("count", entry.getValue());
                    return error;
                })
                .toList();
    }

    /**
     * {@code tokensLastHour}, {@code topClients} and {@code notCaching}, from one reading of the
     * usage store. Deleted clients still counted for the hour are left out of both lists.
     */
    private void clients(Map<String, Object> body) {
        Map<String, Long> lastHour = services.usage().lastHour();
        List<Map.Entry<String, Long>> busiest = new ArrayList<>(lastHour.entrySet());
        busiest.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        List<Map<String, Object>> top = new ArrayList<>();
        List<Map<String, Object>> notCaching = new ArrayList<>();
        for (Map.Entry<String, Long> entry : busiest) {
            boolean inTop = top.size() < TOP_CLIENTS;
            // Every client needs at least one token an hour: at SLACK or fewer none is flagged.
            boolean mayBeFlagged = entry.getValue() > CachingCheck.SLACK && notCaching.size() < MAX_LISTED;
            if (!inTop && !mayBeFlagged) {
                break;
            }
            Client client = ClientId.isWellFormed(entry.getKey())
                    ? services.clients().find(new ClientId(entry.getKey())).orElse(null) : null;
            if (client == null) {
                continue;
            }
            Map<String, Object> view = usage(client, entry.getValue());
            if (inTop) {
                top.add(view);
            }
            if (mayBeFlagged && (boolean) view.get("notCaching")) {
                notCaching.add(view);
            }
        }
        body.put("tokensLastHour", lastHour.values().stream().mapToLong(Long::longValue).sum());
        body.put("topClients", top);
        body.put("notCaching", notCaching);
    }

    private Map<String, Object> usage(Client client, long lastHour) {
        long needed = caching.tokensNeededPerHour(client);
        Map<String, Object> view = named(client);
        view.put("lastHour", lastHour);
        view.put("tokensNeededPerHour", needed);
        view.put("notCaching", CachingCheck.notCaching(lastHour, needed));
        if (client.limits().tokensPerHour() != 0) {
            view.put("tokensPerHour", client.limits().tokensPerHour());
        }
        return view;
    }

    private static Map<String, Object> expiring(Client client, Instant now) {
        Map<String, Object> view = named(client);
        view.put("secretExpiresAt", client.secretExpiresAt().toString());
        view.put("expired", !client.secretExpiresAt().isAfter(now));
        return view;
    }

    private static Map<String, Object> failing(Webhook webhook) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", webhook.id());
        view.put("url", webhook.url().toString());
        view.put("failingSince", webhook.failingSince().toString());
        return view;
    }

    private static Map<String, Object> named(Client client) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("clientId", client.id().value());
        view.put("partnerId", client.partnerId());
        if (client.name() != null) {
            view.put("name", client.name());
        }
        return view;
    }
}
