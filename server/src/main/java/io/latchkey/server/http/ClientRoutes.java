package io.latchkey.server.http;

import io.latchkey.core.client.Client;
import io.latchkey.core.api.TokenLifetime;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.ClientJwks;
import io.latchkey.core.client.ClientRegistry;
import io.latchkey.core.client.NewClient;
import io.latchkey.core.client.Scopes;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.server.Services;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /admin/clients}: register, list, show, change, delete and re-key clients (SPEC §4, §6).
 * Views: {@link ClientViews}.
 */
final class ClientRoutes {
    private final Services services;
    private final Operations operations;

    ClientRoutes(Services services, Operations operations) {
        this.services = services;
        this.operations = operations;
    }

    void register(RouteTable table) {
        table.post("/admin/clients", this::create);
        table.get("/admin/clients", this::list);
        table.get("/admin/clients/:clientId", this::get);
        table.patch("/admin/clients/:clientId", this::update);
        table.delete("/admin/clients/:clientId", this::delete);
        table.post("/admin/clients/:clientId/secret", this::rotateSecret);
    }

    private void create(RoutingContext ctx) {
        JsonFields fields = AdminRequests.jsonBody(ctx);
        String partnerId = fields.nonBlankText("partnerId", PipelineEndpoint.MAX_PARTNER_ID);
        String name = AdminRequests.optionalName(fields);
        List<String> scopes = fields.optionalTextList("scopes");
        Scopes granted = scopes == null ? Scopes.NONE : Scopes.of(scopes);
        ClientJwks keys = keysOf(fields);
        boolean dpopBound = fields.optionalBoolean("dpopBoundAccessTokens");
        operations.onWorker(ctx, () -> {
            NewClient created = keys == null
                    ? services.clients().create(partnerId, name, granted, dpopBound, AdminRequests.actor(ctx))
                    : services.clients().create(partnerId, name, granted, keys, dpopBound, AdminRequests.actor(ctx));
            return Reply.created(ClientViews.withSecret(created)).withNoStore();
        });
    }

    /**
     * SPEC §7: {@code tokenEndpointAuthMethod} ({@code client_secret_basic}, the default, or
     * {@code private_key_jwt}) and, for {@code private_key_jwt} only, its {@code jwks}; null for
     * a client of a secret.
     */
    private static ClientJwks keysOf(JsonFields fields) {
        String method = fields.optionalText("tokenEndpointAuthMethod");
        String jwks = fields.optionalObjectJson("jwks");
        if (method == null || method.equals("client_secret_basic") || method.equals("client_secret_post")) {
            if (jwks != null) {
                throw LatchkeyException.invalidRequest("jwks is for tokenEndpointAuthMethod private_key_jwt.");
            }
            return null;
        }
        if (!method.equals(ClientViews.PRIVATE_KEY_JWT)) {
            throw LatchkeyException.invalidRequest(
                    "tokenEndpointAuthMethod must be client_secret_basic or private_key_jwt.");
        }
        if (jwks == null) {
            throw LatchkeyException.invalidRequest("A private_key_jwt client needs jwks, a JWK set of public keys.");
        }
        return ClientJwks.parse(jwks);
    }

    private void list(RoutingContext ctx) {
        List<String> partnerIds = ctx.queryParam("partnerId");
        if (partnerIds.size() > 1) {
            throw LatchkeyException.invalidRequest("Give partnerId at most once.");
        }
        // An empty partnerId is a filter too (it matches nobody), unlike AdminRequests.single.
        String partnerId = partnerIds.isEmpty() ? null : JsonFields.storable("partnerId", partnerIds.get(0));
        operations.onWorker(ctx, () -> Reply.ok(Map.of("clients",
                services.clients().list(partnerId).stream().map(this::view).toList())));
    }

    private void get(RoutingContext ctx) {
        ClientId id = AdminRequests.clientId(ctx);
        operations.onWorker(ctx, () -> Reply.ok(view(services.clients().find(id)
                .orElseThrow(() -> LatchkeyException.notFound("No client with the clientId: " + id.value())))));
    }

    private Map<String, Object> view(Client client) {
        return ClientViews.of(client, services.clients().keys(client.id()).orElse(null));
    }

    /** SPEC §6: name, scopes and the cap on its access tokens' lifetime; JSON null drops the cap. */
    private void update(RoutingContext ctx) {
        ClientId id = AdminRequests.clientId(ctx);
        JsonFields fields = AdminRequests.jsonBody(ctx);
        String name = AdminRequests.optionalName(fields);
        List<String> scopes = fields.optionalTextList("scopes");
        Scopes changed = scopes == null ? null : Scopes.of(scopes);
        String ttl = fields.optionalText("accessTokenTtl");
        Duration cap = ttl == null ? null : TokenLifetime.parse("accessTokenTtl", ttl);
        boolean clearCap = fields.has("accessTokenTtl") && ttl == null;
        operations.onWorker(ctx, () -> Reply.ok(view(
                services.clients().update(id, name, changed, cap, clearCap, AdminRequests.actor(ctx)))));
    }

    private void delete(RoutingContext ctx) {
        ClientId id = AdminRequests.clientId(ctx);
        operations.onWorker(ctx, () -> {
            services.clients().delete(id, AdminRequests.actor(ctx));
            return Reply.ok(ClientViews.deleted(id.value()));
        });
    }

    private void rotateSecret(RoutingContext ctx) {
        ClientId id = AdminRequests.clientId(ctx);
        JsonFields fields = AdminRequests.optionalJsonBody(ctx);
        long graceSeconds = fields == null ? 0
                : fields.optionalLong("graceSeconds", 0, 0, ClientRegistry.MAX_GRACE.toSeconds());
        Duration grace = Duration.ofSeconds(graceSeconds);
        operations.onWorker(ctx, () -> {
            var rotated = services.clients().rotateSecret(id, grace, AdminRequests.actor(ctx));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("clientId", id.value());
            body.put("clientSecret", rotated.secret());
            body.put("previousSecretExpiresAt", rotated.client().previousSecretExpiresAt() == null
                    ? null : rotated.client().previousSecretExpiresAt().toString());
            return Reply.ok(body).withNoStore();
        });
    }
}
