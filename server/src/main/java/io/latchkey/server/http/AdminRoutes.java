package io.latchkey.server.http;

import io.latchkey.core.apikey.ApiKey;
import io.latchkey.core.apikey.NewApiKey;
import io.latchkey.core.audit.AuditAction;
import io.latchkey.core.audit.AuditCursor;
import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditQuery;
import io.latchkey.core.client.NewClient;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.ClientRegistry;
import io.latchkey.core.client.Scopes;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.key.SigningKey;
import io.latchkey.server.Services;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin API (SPEC §4), authenticated by an admin API key in {@code X-API-Key}: clients,
 * secret rotation, API keys and signing-key rotation.
 */
final class AdminRoutes {
    static final String API_KEY_HEADER = "X-API-Key";
    private static final String ACTOR = "latchkey.actor";
    private static final int DEFAULT_AUDIT_PAGE = 100;
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
        ApiKey key = services.apiKeys().authenticate(ctx.request().getHeader(API_KEY_HEADER));
        ctx.put(ACTOR, "apikey:" + key.id());
        ctx.next();
    }

    /** Appends to the audit log who did {@code action} from where. */
    private void audit(RoutingContext ctx, AuditAction action, String clientId, String detail) {
        services.auditor().record(action, ctx.get(ACTOR), AuthAttempts.source(ctx), clientId, detail);
    }

    void createClient(RoutingContext ctx) {
        JsonFields fields = jsonBody(ctx);
        String partnerId = fields.nonBlankText("partnerId", PipelineEndpoint.MAX_PARTNER_ID);
        String name = optionalName(fields);
        List<String> scopes = fields.optionalTextList("scopes");
        Scopes granted = scopes == null ? Scopes.NONE : Scopes.of(scopes);
        blocking.reply(ctx, ErrorStyle.PIPELINE, () -> {
            NewClient created = services.clients().create(partnerId, name, granted);
            audit(ctx, AuditAction.CLIENT_CREATED, created.client().id().value(), "partner " + partnerId);
            return Reply.created(ClientViews.withSecret(created)).withNoStore();
        });
    }

    void listClients(RoutingContext ctx) {
        List<String> partnerIds = ctx.queryParam("partnerId");
        if (partnerIds.size() > 1) {
            throw LatchkeyException.invalidRequest("Give partnerId at most once.");
        }
        String partnerId = partnerIds.isEmpty() ? null : JsonFields.storable("partnerId", partnerIds.get(0));
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
            audit(ctx, AuditAction.CLIENT_DELETED, id.value(), null);
            return Reply.ok(ClientViews.deleted(id.value()));
        });
    }

    void rotateSecret(RoutingContext ctx) {
        ClientId id = clientId(ctx);
        Buffer raw = RequestBody.of(ctx);
        long graceSeconds = 0;
        if (raw != null && raw.length() > 0) {
            MediaTypes.requireJson(ctx);
            graceSeconds = new JsonFields(Json.parseObject(raw))
                    .optionalLong("graceSeconds", 0, 0, ClientRegistry.MAX_GRACE.toSeconds());
        }
        Duration grace = Duration.ofSeconds(graceSeconds);
        blocking.reply(ctx, ErrorStyle.PIPELINE, () -> {
            var rotated = services.clients().rotateSecret(id, grace);
            audit(ctx, AuditAction.CLIENT_SECRET_ROTATED, id.value(), "grace " + grace.toSeconds() + "s");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("clientId", id.value());
            body.put("clientSecret", rotated.secret());
            body.put("previousSecretExpiresAt", rotated.client().previousSecretExpiresAt() == null
                    ? null : rotated.client().previousSecretExpiresAt().toString());
            return Reply.ok(body).withNoStore();
        });
    }

    void createApiKey(RoutingContext ctx) {
        Buffer raw = RequestBody.of(ctx);
        String name = null;
        if (raw != null && raw.length() > 0) {
            MediaTypes.requireJson(ctx);
            name = optionalName(new JsonFields(Json.parseObject(raw)));
        }
        String keyName = name;
        blocking.reply(ctx, ErrorStyle.PIPELINE, () -> {
            NewApiKey created = services.apiKeys().create(keyName);
            audit(ctx, AuditAction.API_KEY_CREATED, null, "api key " + created.apiKey().id());
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
        if (!JsonFields.isStorable(id)) {
            // No key has such an id; asking PostgreSQL would fail (U+0000) and answer 503.
            throw LatchkeyException.notFound("No API key with that id.");
        }
        blocking.reply(ctx, ErrorStyle.PIPELINE, () -> {
            services.apiKeys().delete(id);
            audit(ctx, AuditAction.API_KEY_DELETED, null, "api key " + id);
            return Reply.ok(Map.of("code", 200, "message", "Deleted the API key: " + id));
        });
    }

    void rotateKeys(RoutingContext ctx) {
        blocking.reply(ctx, ErrorStyle.PIPELINE, () -> {
            List<SigningKey> rotated = services.keys().rotate();
            audit(ctx, AuditAction.SIGNING_KEYS_ROTATED, null,
                    "kids " + rotated.stream().map(SigningKey::kid).reduce((a, b) -> a + " " + b).orElse(""));
            List<Map<String, Object>> keys = rotated.stream().map(AdminRoutes::keyView).toList();
            return Reply.ok(Map.of("keys", keys));
        });
    }

    /** {@code GET /admin/audit?action=&clientId=&since=&until=&limit=&cursor=}: newest first, paged. */
    void audit(RoutingContext ctx) {
        AuditAction action = single(ctx, "action") == null ? null : parseAction(single(ctx, "action"));
        String clientId = single(ctx, "clientId");
        Instant since = instant(ctx, "since");
        Instant until = instant(ctx, "until");
        String limitText = single(ctx, "limit");
        int limit;
        try {
            limit = limitText == null ? DEFAULT_AUDIT_PAGE : Integer.parseInt(limitText);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > AuditQuery.MAX_LIMIT) {
            throw LatchkeyException.invalidRequest("limit must be a whole number from 1 to " + AuditQuery.MAX_LIMIT + ".");
        }
        AuditCursor before;
        try {
            before = single(ctx, "cursor") == null ? null : AuditCursor.decode(single(ctx, "cursor"));
        } catch (IllegalArgumentException e) {
            throw LatchkeyException.invalidRequest("cursor is not one this server returned.");
        }
        AuditQuery query = new AuditQuery(action, clientId, since, until, before, limit);
        blocking.reply(ctx, ErrorStyle.PIPELINE, () -> {
            List<AuditEvent> events = services.auditor().log().find(query);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("events", events.stream().map(AdminRoutes::auditView).toList());
            if (events.size() == query.limit()) {
                AuditEvent last = events.get(events.size() - 1);
                body.put("next", new AuditCursor(last.at(), last.id()).encode());
            }
            return Reply.ok(body);
        });
    }

    private static Map<String, Object> auditView(AuditEvent event) {
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
                    + java.util.Arrays.stream(AuditAction.values()).map(AuditAction::wireName).toList() + ".");
        }
    }

    private static String single(RoutingContext ctx, String name) {
        List<String> values = ctx.queryParam(name);
        if (values.size() > 1) {
            throw LatchkeyException.invalidRequest("Give " + name + " at most once.");
        }
        return values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
    }

    private static Instant instant(RoutingContext ctx, String name) {
        String value = single(ctx, name);
        try {
            return value == null ? null : Instant.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw LatchkeyException.invalidRequest(name + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z.");
        }
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
        return new JsonFields(Json.parseObject(RequestBody.of(ctx)));
    }

    static String optionalName(JsonFields fields) {
        String name = fields.optionalText("name");
        if (name != null && name.length() > MAX_NAME) {
            throw LatchkeyException.invalidRequest("The field 'name' must be at most " + MAX_NAME + " characters.");
        }
        return JsonFields.storable("name", name);
    }

    private static ClientId clientId(RoutingContext ctx) {
        String value = ctx.pathParam("clientId");
        if (!ClientId.isWellFormed(value)) {
            throw LatchkeyException.notFound("No client with that clientId.");
        }
        return new ClientId(value);
    }
}
