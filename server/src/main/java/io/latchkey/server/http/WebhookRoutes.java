package io.latchkey.server.http;

import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.webhook.NewWebhook;
import io.latchkey.core.webhook.Webhook;
import io.latchkey.core.webhook.WebhookDelivery;
import io.latchkey.core.webhook.Webhooks;
import io.latchkey.server.Services;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /admin/webhooks} (SPEC §10): create (the signing secret shown once), list, delete, and
 * each webhook's delivery log, newest first, paged by {@code limit} and the {@code next} cursor.
 */
final class WebhookRoutes {
    private static final int DEFAULT_PAGE = 100;

    private final Services services;
    private final Operations operations;

    WebhookRoutes(Services services, Operations operations) {
        this.services = services;
        this.operations = operations;
    }

    void register(RouteTable table) {
        table.post("/admin/webhooks", this::create);
        table.get("/admin/webhooks", this::list);
        table.delete("/admin/webhooks/:id", this::delete);
        table.get("/admin/webhooks/:id/deliveries", this::deliveries);
    }

    private void create(RoutingContext ctx) {
        JsonFields fields = AdminRequests.jsonBody(ctx);
        String url = JsonFields.storable("url", fields.optionalText("url"));
        List<String> events = fields.optionalTextList("events");
        operations.onWorker(ctx, () -> {
            NewWebhook created = services.webhooks().create(url, events, AdminRequests.actor(ctx));
            Map<String, Object> body = view(created.webhook());
            body.put("secret", created.secret());
            return Reply.created(body).withNoStore();
        });
    }

    private void list(RoutingContext ctx) {
        operations.onWorker(ctx, () -> Reply.ok(Map.of("webhooks",
                services.webhooks().list().stream().map(WebhookRoutes::view).toList())));
    }

    private void delete(RoutingContext ctx) {
        String id = id(ctx);
        operations.onWorker(ctx, () -> {
            services.webhooks().delete(id, AdminRequests.actor(ctx));
            return Reply.ok(Map.of("code", 200, "message", "Deleted the webhook: " + id));
        });
    }

    private void deliveries(RoutingContext ctx) {
        String id = id(ctx);
        String limitText = AdminRequests.single(ctx, "limit");
        int limit;
        try {
            limit = limitText == null ? DEFAULT_PAGE : Integer.parseInt(limitText);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > Webhooks.MAX_PAGE) {
            throw LatchkeyException.invalidRequest("limit must be a whole number from 1 to " + Webhooks.MAX_PAGE + ".");
        }
        Long before;
        String cursor = AdminRequests.single(ctx, "cursor");
        try {
            before = cursor == null ? null : Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw LatchkeyException.invalidRequest("cursor is not one this server returned.");
        }
        int page = limit;
        operations.onWorker(ctx, () -> {
            List<WebhookDelivery> deliveries = services.webhooks().deliveries(id, before, page);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("deliveries", deliveries.stream().map(WebhookRoutes::view).toList());
            if (deliveries.size() == page) {
                body.put("next", Long.toString(deliveries.get(deliveries.size() - 1).seq()));
            }
            return Reply.ok(body);
        });
    }

    private static String id(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (!JsonFields.isStorable(id)) {
            throw LatchkeyException.notFound("No webhook with that id.");
        }
        return id;
    }

    /** A webhook as the admin API shows it: never its secret. */
    private static Map<String, Object> view(Webhook webhook) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", webhook.id());
        view.put("url", webhook.url().toString());
        view.put("events", webhook.events());
        view.put("createdAt", webhook.createdAt().toString());
        view.put("failing", webhook.failing());
        view.put("failingSince", text(webhook.failingSince()));
        return view;
    }

    private static Map<String, Object> view(WebhookDelivery delivery) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("eventId", delivery.eventId());
        view.put("type", delivery.type());
        view.put("status", delivery.status().wireName());
        view.put("attempts", delivery.attempts());
        view.put("lastStatusCode", delivery.lastStatusCode());
        view.put("lastError", delivery.lastError());
        view.put("nextAttemptAt", text(delivery.nextAttemptAt()));
        view.put("createdAt", text(delivery.createdAt()));
        view.put("updatedAt", text(delivery.updatedAt()));
        return view;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
