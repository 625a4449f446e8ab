package io.latchkey.server.http;

import io.latchkey.core.api.Api;
import io.latchkey.core.api.ApiGrant;
import io.latchkey.core.api.ResourceIdentifier;
import io.latchkey.core.api.TokenLifetime;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.Scopes;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.server.Services;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /admin/apis} and {@code /admin/clients/{clientId}/apis} (SPEC §6): register, list, show,
 * change and delete protected APIs; grant clients access to them with a subset of their scopes,
 * and withdraw it. Views are at the bottom.
 */
final class ApiRoutes {
    private static final int MAX_API_ID = 128;

    private final Services services;
    private final Operations operations;

    ApiRoutes(Services services, Operations operations) {
        this.services = services;
        this.operations = operations;
    }

    void register(RouteTable table) {
        table.post("/admin/apis", this::create);
        table.get("/admin/apis", this::list);
        table.get("/admin/apis/:apiId", this::get);
        table.patch("/admin/apis/:apiId", this::update);
        table.delete("/admin/apis/:apiId", this::delete);
        table.get("/admin/clients/:clientId/apis", this::grants);
        table.put("/admin/clients/:clientId/apis/:apiId", this::grant);
        table.delete("/admin/clients/:clientId/apis/:apiId", this::revokeGrant);
    }

    private void create(RoutingContext ctx) {
        JsonFields fields = AdminRequests.jsonBody(ctx);
        ResourceIdentifier identifier = new ResourceIdentifier(JsonFields.storable("identifier", fields.text("identifier")));
        String name = AdminRequests.optionalName(fields);
        List<String> scopes = fields.optionalTextList("scopes");
        Scopes offered = scopes == null ? Scopes.NONE : Scopes.of(scopes);
        Duration ttl = ttl(fields);
        operations.onWorker(ctx, () -> Reply.created(view(
                services.apis().register(identifier, name, offered, ttl, AdminRequests.actor(ctx)))));
    }

    private void list(RoutingContext ctx) {
        operations.onWorker(ctx, () -> Reply.ok(Map.of("apis", services.apis().list().stream().map(ApiRoutes::view).toList())));
    }

    private void get(RoutingContext ctx) {
        String id = apiId(ctx);
        operations.onWorker(ctx, () -> Reply.ok(view(services.apis().get(id))));
    }

    /** Name, scopes and lifetime; each absent field is kept, a JSON null lifetime drops it. */
    private void update(RoutingContext ctx) {
        String id = apiId(ctx);
        JsonFields fields = AdminRequests.jsonBody(ctx);
        if (fields.has("identifier")) {
            throw LatchkeyException.invalidRequest("An API's identifier cannot change; register another API.");
        }
        String name = AdminRequests.optionalName(fields);
        List<String> scopes = fields.optionalTextList("scopes");
        Scopes changed = scopes == null ? null : Scopes.of(scopes);
        Duration ttl = ttl(fields);
        boolean clearTtl = fields.has("accessTokenTtl") && ttl == null;
        operations.onWorker(ctx, () -> Reply.ok(view(
                services.apis().update(id, name, changed, ttl, clearTtl, AdminRequests.actor(ctx)))));
    }

    private void delete(RoutingContext ctx) {
        String id = apiId(ctx);
        operations.onWorker(ctx, () -> {
            services.apis().delete(id, AdminRequests.actor(ctx));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("code", 200);
            body.put("message", "Deleted the API " + id + " and every grant to it.");
            return Reply.ok(body);
        });
    }

    private void grants(RoutingContext ctx) {
        ClientId clientId = AdminRequests.clientId(ctx);
        operations.onWorker(ctx, () -> {
            requireClient(clientId);
            return Reply.ok(Map.of("grants", services.apis().grantsOf(clientId).stream().map(this::view).toList()));
        });
    }

    private void grant(RoutingContext ctx) {
        ClientId clientId = AdminRequests.clientId(ctx);
        String apiId = apiId(ctx);
        JsonFields fields = AdminRequests.jsonBody(ctx);
        List<String> scopes = fields.optionalTextList("scopes");
        if (scopes == null) {
            throw LatchkeyException.invalidRequest("The field 'scopes' is required: the API's scopes the client gets.");
        }
        Scopes granted = Scopes.of(scopes);
        operations.onWorker(ctx, () -> {
            requireClient(clientId);
            return Reply.ok(view(services.apis().grant(clientId, apiId, granted, AdminRequests.actor(ctx))));
        });
    }

    private void revokeGrant(RoutingContext ctx) {
        ClientId clientId = AdminRequests.clientId(ctx);
        String apiId = apiId(ctx);
        operations.onWorker(ctx, () -> {
            requireClient(clientId);
            services.apis().revokeGrant(clientId, apiId, AdminRequests.actor(ctx));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("code", 200);
            body.put("message", "Withdrew the grant of the API " + apiId + " from the client " + clientId.value() + ".");
            return Reply.ok(body);
        });
    }

    private void requireClient(ClientId clientId) {
        if (services.clients().find(clientId).isEmpty()) {
            throw LatchkeyException.notFound("No client with the clientId: " + clientId.value());
        }
    }

    private static Duration ttl(JsonFields fields) {
        String ttl = fields.optionalText("accessTokenTtl");
        return ttl == null ? null : TokenLifetime.parse("accessTokenTtl", ttl);
    }

    /** The {@code :apiId} of the path; a malformed one names no API. */
    private static String apiId(RoutingContext ctx) {
        String id = ctx.pathParam("apiId");
        if (!ClientId.isWellFormed(id) || id.length() > MAX_API_ID) {
            throw LatchkeyException.notFound("No API with that id.");
        }
        return id;
    }

    static Map<String, Object> view(Api api) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", api.id());
        view.put("identifier", api.identifier().value());
        view.put("name", api.name());
        view.put("scopes", api.scopes().asList());
        view.put("accessTokenTtl", api.accessTokenTtl() == null ? null : api.accessTokenTtl().toString());
        view.put("createdAt", api.createdAt().toString());
        return view;
    }

    private Map<String, Object> view(ApiGrant grant) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("clientId", grant.clientId().value());
        view.put("apiId", grant.apiId());
        services.apis().find(grant.apiId()).ifPresent(api -> view.put("identifier", api.identifier().value()));
        view.put("scopes", grant.scopes().asList());
        view.put("grantedAt", grant.grantedAt().toString());
        return view;
    }
}
