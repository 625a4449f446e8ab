package io.latchkey.server.http;

import io.latchkey.core.apikey.ApiKey;
import io.latchkey.core.apikey.ApiKeyRole;
import io.latchkey.core.apikey.NewApiKey;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.server.Services;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /admin/api-keys}: create (shown once), list and delete admin API keys (SPEC §4), each
 * {@code admin} or {@code verifier} ({@link ApiKeyRole}).
 */
final class ApiKeyRoutes {
    private final Services services;
    private final Operations operations;

    ApiKeyRoutes(Services services, Operations operations) {
        this.services = services;
        this.operations = operations;
    }

    void register(RouteTable table) {
        table.post("/admin/api-keys", this::create);
        table.get("/admin/api-keys", this::list);
        table.delete("/admin/api-keys/:id", this::delete);
    }

    private void create(RoutingContext ctx) {
        JsonFields fields = AdminRequests.optionalJsonBody(ctx);
        String name = fields == null ? null : AdminRequests.optionalName(fields);
        String roleName = fields == null ? null : fields.optionalText("role");
        ApiKeyRole role = roleName == null ? ApiKeyRole.ADMIN : ApiKeyRole.of(roleName);
        operations.onWorker(ctx, () -> {
            NewApiKey created = services.apiKeys().create(name, role, AdminRequests.actor(ctx));
            Map<String, Object> body = view(created.apiKey());
            body.put("apiKey", created.key());
            return Reply.created(body).withNoStore();
        });
    }

    private void list(RoutingContext ctx) {
        operations.onWorker(ctx, () -> Reply.ok(Map.of("apiKeys",
                services.apiKeys().list().stream().map(ApiKeyRoutes::view).toList())));
    }

    private void delete(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (!JsonFields.isStorable(id)) {
            // No key has such an id; asking PostgreSQL would fail (U+0000) and answer 503.
            throw LatchkeyException.notFound("No API key with that id.");
        }
        operations.onWorker(ctx, () -> {
            services.apiKeys().delete(id, AdminRequests.actor(ctx));
            return Reply.ok(Map.of("code", 200, "message", "Deleted the API key: " + id));
        });
    }

    /** An API key as the admin API shows it: never the key, which exists only as a hash. */
    private static Map<String, Object> view(ApiKey key) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", key.id());
        view.put("name", key.name());
        view.put("role", key.role().storedName());
        view.put("createdAt", key.createdAt().toString());
        return view;
    }
}
