package io.latchkey.server.http;

import io.latchkey.core.apikey.ApiKey;
import io.latchkey.core.apikey.NewApiKey;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.ClientRegistry;
import io.latchkey.core.client.Scopes;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.key.SigningKey;
import io.latchkey.server.Services;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin API (SPEC §4), authenticated by an admin API key in {@code X-API-Key}: clients,
 * secret rotation, API keys and signing-key rotation.
 */
final class AdminRoutes {
    static final String API_KEY_HEADER = "X-API-Key";
    private static final int MAX_NAME = 200;

    private final Services services;
    private final Blocking blocking;

    AdminRoutes(Services services, Blocking blocking) {
        this.services = services;
        this.blocking = blocking;
    }

    /** Runs before every admin route: the caller must present a valid admin API key. */
    void authenticate(RoutingContext ctx) {
        AuthAttempts.check(ctx, "apikey");
        services.apiKeys().authenticate(ctx.request().getHeader(API_KEY_HEADER));
        ctx.next();
    }

    void createClient(RoutingContext ctx) {
        JsonFields fields = jsonBody(ctx);
        String partnerId = fields.nonBlankText("partnerId", PipelineEndpoint.MAX_PARTNER_ID);
        String name = optionalName(fields);
        List<String> scopes = fields.optionalTextList("scopes");
        Scopes granted = scopes == null ? Scopes.NONE : Scopes.of(scopes);
        blocking.reply(ctx, ErrorStyle.PIPELINE,
                () -> Reply.created(ClientViews.withSecret(services.clients().create(partnerId, name, granted)))
                        .withNoStore());
    }

    void listClients(RoutingContext ctx) {
        List<String> partnerIds = ctx.queryParam("partnerId");
        if (partnerIds.size() > 1) {
            throw LatchkeyException.invalidRequest("Give partnerId at most once.");
        }
        String partnerId = partnerIds.isEmpty() ? null : partnerIds.get(0);
        blocking.reply(ctx, ErrorStyle.PIPELINE, () -> Reply.ok(Map.of("clients",
                services.clients().list(partnerId).stream().map(ClientViews::of).toList())));
    }

    void getClient(RoutingContext ctx) {
        ClientId id = clientId(ctx);
        blocking.reply(ctx, ErrorStyle.PIPELINE, () -> Reply.ok(ClientViews.of(services.clients().find(id)
                .orElseThrow(() -> LatchkeyException.notFound("No client with the clientId: " + id.value())))));
    }

    void deleteClient(RoutingContext ctx) {
        ClientId id = clientId(ctx);
        blocking.reply(ctx, ErrorStyle.PIPELINE, () -> {
            services.clients().delete(id);
            return Reply.ok(ClientViews.deleted(id.value()));
        });
    }

    void rotateSecret(RoutingContext ctx) {
        ClientId id = clientId(ctx);
        Buffer raw = ctx.body() == null ? null : ctx.body().buffer();
        long graceSeconds = 0;
        if (raw != null && raw.length() > 0) {
            MediaTypes.requireJson(ctx);
            graceSeconds = new JsonFields(Json.parseObject(raw))
                    .optionalLong("graceSeconds", 0, 0, ClientRegistry.MAX_GRACE.toSeconds());
        }
        Duration grace = Duration.ofSeconds(graceSeconds);
        blocking.reply(ctx, ErrorStyle.PIPELINE, () -> {
            var rotated = services.clients().rotateSecret(id, grace);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("clientId", id.value());
            body.put("clientSecret", rotated.secret());
            body.put("previousSecretExpiresAt", rotated.client().previousSecretExpiresAt() == null
                    ? null : rotated.client().previousSecretExpiresAt().toString());
            return Reply.ok(body).withNoStore();
        });
    }

    void createApiKey(RoutingContext ctx) {
        Buffer raw = ctx.body() == null ? null : ctx.body().buffer();
        String name = null;
        if (raw != null && raw.length() > 0) {
            MediaTypes.requireJson(ctx);
            name = optionalName(new JsonFields(Json.parseObject(raw)));
        }
        String keyName = name;
        blocking.reply(ctx, ErrorStyle.PIPELINE, () -> {
            NewApiKey created = services.apiKeys().create(keyName);
            Map<String, Object> body = apiKeyView(created.apiKey());
            body.put("apiKey", created.key());
            return Reply.created(body).withNoStore();
        });
    }

    void listApiKeys(RoutingContext ctx) {
        blocking.reply(ctx, ErrorStyle.PIPELINE, () -> Reply.ok(Map.of("apiKeys",
                services.apiKeys().list().stream().map(AdminRoutes::apiKeyView).toList())));
    }

    void deleteApiKey(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        blocking.reply(ctx, ErrorStyle.PIPELINE, () -> {
            services.apiKeys().delete(id);
            return Reply.ok(Map.of("code", 200, "message", "Deleted the API key: " + id));
        });
    }

    void rotateKeys(RoutingContext ctx) {
        blocking.reply(ctx, ErrorStyle.PIPELINE, () -> {
            List<Map<String, Object>> keys = services.keys().rotate().stream().map(AdminRoutes::keyView).toList();
            return Reply.ok(Map.of("keys", keys));
        });
    }

    private static Map<String, Object> keyView(SigningKey key) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("kid", key.kid());
        view.put("use", key.purpose().storedName());
        view.put("alg", key.algorithm().jws().getName());
        view.put("createdAt", key.createdAt().toString());
        return view;
    }

    private static Map<String, Object> apiKeyView(ApiKey key) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", key.id());
        view.put("name", key.name());
        view.put("createdAt", key.createdAt().toString());
        return view;
    }

    private static JsonFields jsonBody(RoutingContext ctx) {
        MediaTypes.requireJson(ctx);
        return new JsonFields(Json.parseObject(ctx.body() == null ? null : ctx.body().buffer()));
    }

    static String optionalName(JsonFields fields) {
        String name = fields.optionalText("name");
        if (name != null && name.length() > MAX_NAME) {
            throw LatchkeyException.invalidRequest("The field 'name' must be at most " + MAX_NAME + " characters.");
        }
        return name;
    }

    private static ClientId clientId(RoutingContext ctx) {
        String value = ctx.pathParam("clientId");
        if (!ClientId.isWellFormed(value)) {
            throw LatchkeyException.notFound("No client with that clientId.");
        }
        return new ClientId(value);
    }
}
