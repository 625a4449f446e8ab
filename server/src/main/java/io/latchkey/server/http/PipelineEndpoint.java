package io.latchkey.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.latchkey.core.audit.AuditAction;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.Scopes;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.server.Services;
import io.latchkey.server.metrics.LatchkeyMetrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /pipeline/oauth2}: the integration model's four flows on one endpoint, with its
 * payloads verbatim (SPEC §2). The body's fields say which flow runs: {@code executionType} for
 * credential management, {@code grant_type} for tokens.
 */
final class PipelineEndpoint {
    static final int MAX_PARTNER_ID = 128;

    private final Services services;
    private final Blocking blocking;
    private final Counter clientCredentialsIssued;
    private final Counter refreshIssued;

    PipelineEndpoint(Services services, Blocking blocking, LatchkeyMetrics metrics) {
        this.services = services;
        this.blocking = blocking;
        this.clientCredentialsIssued = metrics.tokensIssued("/pipeline/oauth2", "client_credentials");
        this.refreshIssued = metrics.tokensIssued("/pipeline/oauth2", "refresh_token");
    }

    void handle(RoutingContext ctx) {
        MediaTypes.requireJson(ctx);
        ObjectNode body = Json.parseObject(RequestBody.of(ctx));
        JsonFields fields = new JsonFields(body);
        if (fields.has("executionType") && fields.has("grant_type")) {
            throw LatchkeyException.invalidRequest("Give either executionType or grant_type, not both.");
        }
        if (fields.has("executionType")) {
            String executionType = fields.text("executionType");
            switch (executionType) {
                case "create" -> create(ctx, fields);
                case "delete" -> delete(ctx, fields);
                default -> throw LatchkeyException.invalidRequest(
                        "Unknown executionType; use \"create\" or \"delete\".");
            }
            return;
        }
        if (fields.has("grant_type")) {
            String grantType = fields.text("grant_type");
            switch (grantType) {
                case "client_credentials" -> clientCredentials(ctx, fields);
                case "refresh_token" -> refresh(ctx, fields);
                default -> throw new LatchkeyException(ErrorCode.UNSUPPORTED_GRANT_TYPE,
                        "Unsupported grant_type; use \"client_credentials\" or \"refresh_token\".");
            }
            return;
        }
        throw LatchkeyException.invalidRequest("The body must carry executionType or grant_type.");
    }

    private void create(RoutingContext ctx, JsonFields fields) {
        String actor = authenticate(ctx, fields);
        String source = AuthAttempts.source(ctx);
        String partnerId = fields.nonBlankText("partnerId", MAX_PARTNER_ID);
        String name = AdminRoutes.optionalName(fields);
        List<String> scopes = fields.optionalTextList("scopes");
        Scopes granted = scopes == null ? Scopes.NONE : Scopes.of(scopes);
        blocking.reply(ctx, ErrorStyle.PIPELINE, () -> {
            var created = services.clients().create(partnerId, name, granted);
            services.auditor().record(AuditAction.CLIENT_CREATED, actor, source, created.client().id().value(),
                    "partner " + partnerId);
            return Reply.ok(Map.of("clientId", created.client().id().value(), "clientSecret", created.secret()))
                    .withNoStore();
        });
    }

    private void delete(RoutingContext ctx, JsonFields fields) {
        String actor = authenticate(ctx, fields);
        String source = AuthAttempts.source(ctx);
        String clientId = fields.text("clientId");
        if (!ClientId.isWellFormed(clientId)) {
            throw LatchkeyException.notFound("No client with that clientId.");
        }
        blocking.reply(ctx, ErrorStyle.PIPELINE, () -> {
            services.clients().delete(new ClientId(clientId));
            services.auditor().record(AuditAction.CLIENT_DELETED, actor, source, clientId, null);
            return Reply.ok(ClientViews.deleted(clientId));
        });
    }

    private void clientCredentials(RoutingContext ctx, JsonFields fields) {
        String clientId = fields.text("username");
        String secret = fields.text("password");
        String scope = fields.optionalText("scope");
        AuthAttempts.check(ctx, "client:" + clientId);
        if (services.clients().isCached(clientId)) {
            // Hot path: the client is in memory and signing is microseconds, so no worker hop.
            Responses.send(ctx, grant(ctx, clientId, secret, scope));
            return;
        }
        blocking.reply(ctx, ErrorStyle.PIPELINE, () -> grant(ctx, clientId, secret, scope));
    }

    private Reply grant(RoutingContext ctx, String clientId, String secret, String scope) {
        Reply reply = TokenResponses.pipeline(services.clientCredentials().grant(clientId, secret, scope));
        clientCredentialsIssued.increment();
        RequestObserver.authenticated(ctx, clientId);
        return reply;
    }

    private void refresh(RoutingContext ctx, JsonFields fields) {
        String refreshToken = fields.text("refresh_token");
        String scope = fields.optionalText("scope");
        AuthAttempts.check(ctx, null);
        String source = AuthAttempts.source(ctx);
        blocking.reply(ctx, ErrorStyle.PIPELINE, () -> {
            Reply reply = TokenResponses.pipeline(services.refreshTokens().refresh(refreshToken, null, scope, source));
            refreshIssued.increment();
            return reply;
        });
    }

    /** The model's {@code apikey} field: missing or wrong is 401, of the wrong JSON type 400. */
    private String authenticate(RoutingContext ctx, JsonFields fields) {
        String apiKey = fields.optionalText("apikey");
        AuthAttempts.check(ctx, "apikey");
        return "apikey:" + services.apiKeys().authenticate(apiKey).id();
    }
}
