package io.latchkey.server.http;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.server.Services;
import io.latchkey.server.metrics.LatchkeyMetrics;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /oauth2/token} (RFC 6749 §3.2): the client_credentials grant (§4.4) and the
 * refresh_token grant (§6), the latter requiring client authentication and a refresh token
 * issued to that client. Either may name the API the token is for (RFC 8707 {@code resource}).
 */
final class TokenEndpoint {
    private final TokenGrants grants;

    TokenEndpoint(Services services, Operations operations, LatchkeyMetrics metrics) {
        this.grants = new TokenGrants(services, operations, metrics, "/oauth2/token", TokenResponses::standard);
    }

    void handle(RoutingContext ctx) {
        OAuthParameters parameters = OAuthParameters.parse(ctx);
        String grantType = parameters.require("grant_type");
        switch (grantType) {
            case "client_credentials" -> grants.clientCredentials(ctx,
                    FrontDoor.begin(ctx, Credentials.CLIENT_OR_MODEL_ALIAS, parameters), parameters.get("scope"),
                    TokenGrants.resource(parameters));
            case "refresh_token" -> {
                var attempt = FrontDoor.begin(ctx, Credentials.CLIENT, parameters);
                grants.refresh(ctx, attempt, parameters.require("refresh_token"), parameters.get("scope"),
                        TokenGrants.resource(parameters));
            }
            default -> throw new LatchkeyException(ErrorCode.UNSUPPORTED_GRANT_TYPE,
                    "The grant_type is not supported; use client_credentials or refresh_token.");
        }
    }
}
