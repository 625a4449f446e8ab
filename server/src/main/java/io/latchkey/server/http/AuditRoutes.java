package io.latchkey.server.http;

import io.latchkey.core.audit.AuditAction;
import io.latchkey.core.audit.AuditCursor;
import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditQuery;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.server.Services;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /admin/audit?action=&clientId=&since=&until=&limit=&cursor=}: the audit log, newest first, paged. */
final class AuditRoutes {
    private static final int DEFAULT_PAGE = 100;

    private final Services services;
    private final Operations operations;

    AuditRoutes(Services services, Operations operations) {
        this.services = services;
        this.operations = operations;
    }

    void register(RouteTable table) {
        table.get("/admin/audit", this::find);
    }

    private void find(RoutingContext ctx) {
        String actionName = AdminRequests.single(ctx, "action");
        AuditAction action = actionName == null ? null : parseAction(actionName);
        String clientId = AdminRequests.single(ctx, "clientId");
        Instant since = AdminRequests.instant(ctx, "since");
        Instant until = AdminRequests.instant(ctx, "until");
        String limitText = AdminRequests.single(ctx, "limit");
        int limit;
        try {
            limit = limitText == null ? DEFAULT_PAGE : Integer.parseInt(limitText);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > AuditQuery.MAX_LIMIT) {
            throw LatchkeyException.invalidRequest("limit must be a whole number from 1 to " + AuditQuery.MAX_LIMIT + ".");
        }
        AuditCursor before;
        try {
            String cursor = AdminRequests.single(ctx, "cursor");
            before = cursor == null ? null : AuditCursor.decode(cursor);
        } catch (IllegalArgumentException e) {
            throw LatchkeyException.invalidRequest("cursor is not one this server returned.");
        }
        AuditQuery query = new AuditQuery(action, clientId, since, until, before, limit);
        operations.onWorker(ctx, () -> {
            List<AuditEvent> events = services.auditor().log().find(query);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("events", events.stream().map(AuditRoutes::view).toList());
            if (events.size() == query.limit()) {
                AuditEvent last = events.get(events.size() - 1);
                body.put("next", new AuditCursor(last.at(), last.id()).encode());
            }
            return Reply.ok(body);
        });
    }

    private static Map<String, Object> view(AuditEvent event) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", event.id());
        view.put("at", event.at().toString());
        view.put("action", event.action().wireName());
        view.put("actor", event.actor());
        view.put("source", event.source());
        view.put("clientId", event.clientId());
        view.put("detail", event.detail());
        return view;
    }

    private static AuditAction parseAction(String name) {
        try {
            return AuditAction.fromWireName(name);
        } catch (IllegalArgumentException e) {
            throw LatchkeyException.invalidRequest("Unknown action; use one of "
                    + Arrays.stream(AuditAction.values()).map(AuditAction::wireName).toList() + ".");
        }
    }
}
