package io.latchkey.server.http;

import io.latchkey.core.client.ClientId;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.token.CachingCheck;
import io.latchkey.core.usage.ClientUsage;
import io.latchkey.server.Services;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /admin/clients/{clientId}/usage} (SPEC §10): the access tokens a client got in the
 * last hour and day, summed over every instance, and its cap per hour; and whether it caches them
 * ({@link CachingCheck}: more than twice what its tokens' lifetime needs in an hour is not caching).
 */
final class UsageRoutes {
    private final Services services;
    private final Operations operations;
    private final CachingCheck caching;

    UsageRoutes(Services services, Operations operations, CachingCheck caching) {
        this.services = services;
        this.operations = operations;
        this.caching = caching;
    }

    void register(RouteTable table) {
        table.get("/admin/clients/:clientId/usage", this::usage);
    }

    private void usage(RoutingContext ctx) {
        ClientId id = AdminRequests.clientId(ctx);
        operations.onWorker(ctx, () -> {
            var client = services.clients().find(id)
                    .orElseThrow(() -> LatchkeyException.notFound("No client with the clientId: " + id.value()));
            ClientUsage usage = services.usage().usage(client);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("clientId", id.value());
            body.put("lastHour", usage.lastHour());
            body.put("lastDay", usage.lastDay());
            body.put("tokensPerHour", usage.tokensPerHour() == 0 ? null : usage.tokensPerHour());
            long needed = caching.tokensNeededPerHour(client);
            body.put("tokensNeededPerHour", needed);
            body.put("notCaching", CachingCheck.notCaching(usage.lastHour(), needed));
            return Reply.ok(body);
        });
    }
}
