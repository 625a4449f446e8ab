package io.latchkey.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.latchkey.core.apikey.ApiKeyRole;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.Scopes;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.server.Services;
import io.latchkey.server.metrics.LatchkeyMetrics;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /pipeline/oauth2}: the integration model's four flows on one endpoint, with its
 * payloads verbatim (SPEC §2). The body's fields say which flow runs: {@code executionType} for
 * credential management, {@code grant_type} for tokens. Each flow runs the same operation as its
 * admin-API or {@code /oauth2/token} counterpart; only the spelling differs.
 */
final class PipelineEndpoint {
    static final int MAX_PARTNER_ID = 128;

    private final Services services;
    private final Operations operations;
    private final TokenGrants grants;

    PipelineEndpoint(Services services, Operations operations, LatchkeyMetrics metrics) {
        this.services = services;
        this.operations = operations;
        this.grants = new TokenGrants(services, operations, metrics, "/pipeline/oauth2", TokenResponses::pipeline);
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
                case "client_credentials" -> {
                    var attempt = FrontDoor.begin(ctx, Credentials.PIPELINE_CLIENT, fields);
                    grants.clientCredentials(ctx, attempt, fields.optionalText("scope"), resource(body, fields));
                }
                case "refresh_token" -> {
                    String refreshToken = fields.text("refresh_token");
                    String scope = fields.optionalText("scope");
                    String resource = resource(body, fields);
                    grants.refresh(ctx, FrontDoor.begin(ctx, Credentials.NOTHING, fields), refreshToken, scope, resource);
                }
                default -> throw new LatchkeyException(ErrorCode.UNSUPPORTED_GRANT_TYPE,
                        "Unsupported grant_type; use \"client_credentials\" or \"refresh_token\".");
            }
            return;
        }
        throw LatchkeyException.invalidRequest("The body must carry executionType or grant_type.");
    }

    /** The JSON field {@code resource} (or {@code audience}): a string; an array of them is more than one. */
    private static String resource(ObjectNode body, JsonFields fields) {
        for (String name : TokenGrants.RESOURCE_PARAMETERS) {
            if (body.has(name) && body.get(name).isArray()) {
                throw TokenGrants.oneResourceOnly();
            }
        }
        return TokenGrants.resource(fields);
    }

    private void create(RoutingContext ctx, JsonFields fields) {
        var attempt = FrontDoor.begin(ctx, Credentials.PIPELINE_API_KEY, fields);
        operations.authenticated(ctx, attempt, () -> {
            AdminAuthentication.requireRole(attempt, ApiKeyRole.ADMIN);
            String partnerId = fields.nonBlankText("partnerId", MAX_PARTNER_ID);
            String name = AdminRequests.optionalName(fields);
            List<String> scopes = fields.optionalTextList("scopes");
            Scopes granted = scopes == null ? Scopes.NONE : Scopes.of(scopes);
            var secretTtl = GovernanceFields.secretTtl(fields); // SPEC §10
            var limits = GovernanceFields.limits(fields);
            operations.onWorker(ctx, () -> {
                var created = services.clients().create(partnerId, name, granted, secretTtl, limits,
                        FrontDoor.actor(attempt));
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("clientId", created.client().id().value());
                body.put("clientSecret", created.secret());
                if (created.client().secretExpiresAt() != null) {
                    body.put("secretExpiresAt", created.client().secretExpiresAt().toString());
                }
                return Reply.ok(body).withNoStore();
            });
        });
    }

    private void delete(RoutingContext ctx, JsonFields fields) {
        var attempt = FrontDoor.begin(ctx, Credentials.PIPELINE_API_KEY, fields);
        operations.authenticated(ctx, attempt, () -> {
            AdminAuthentication.requireRole(attempt, ApiKeyRole.ADMIN);
            String clientId = fields.text("clientId");
            if (!ClientId.isWellFormed(clientId)) {
                throw LatchkeyException.notFound("No client with that clientId.");
            }
            operations.onWorker(ctx, () -> {
                services.clients().delete(new ClientId(clientId), FrontDoor.actor(attempt));
                return Reply.ok(ClientViews.deleted(clientId));
            });
        });
    }
}
