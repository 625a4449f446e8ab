package io.latchkey.server.http;

import io.latchkey.core.client.Client;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.server.Services;
import io.latchkey.server.metrics.LatchkeyMetrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /oauth2/token} (RFC 6749 §3.2): the client_credentials grant (§4.4) and the
 * refresh_token grant (§6), the latter requiring client authentication and a refresh token
 * issued to that client.
 */
final class TokenEndpoint {
    private final Services services;
    private final Blocking blocking;
    private final Counter clientCredentialsIssued;
    private final Counter refreshIssued;

    TokenEndpoint(Services services, Blocking blocking, LatchkeyMetrics metrics) {
        this.services = services;
        this.blocking = blocking;
        this.clientCredentialsIssued = metrics.tokensIssued("/oauth2/token", "client_credentials");
        this.refreshIssued = metrics.tokensIssued("/oauth2/token", "refresh_token");
    }

    void handle(RoutingContext ctx) {
        OAuthParameters parameters = OAuthParameters.parse(ctx);
        String grantType = parameters.require("grant_type");
        switch (grantType) {
            case "client_credentials" -> clientCredentials(ctx, parameters);
            case "refresh_token" -> refresh(ctx, parameters);
            default -> throw new LatchkeyException(ErrorCode.UNSUPPORTED_GRANT_TYPE,
                    "The grant_type is not supported; use client_credentials or refresh_token.");
        }
    }

    private void clientCredentials(RoutingContext ctx, OAuthParameters parameters) {
        ClientCredentials credentials = ClientCredentials.from(ctx, parameters, true);
        String scope = parameters.get("scope");
        if (services.clients().isCached(credentials.clientId())) {
            // Hot path: the client is in memory and signing is microseconds, so no worker hop.
            Responses.send(ctx, grant(ctx, credentials, scope));
            return;
        }
        blocking.reply(ctx, ErrorStyle.OAUTH, () -> grant(ctx, credentials, scope));
    }

    private Reply grant(RoutingContext ctx, ClientCredentials credentials, String scope) {
        Reply reply = TokenResponses.standard(services.clientCredentials()
                .grant(credentials.clientId(), credentials.clientSecret(), scope));
        clientCredentialsIssued.increment();
        RequestObserver.authenticated(ctx, credentials.clientId());
        return reply;
    }

    private void refresh(RoutingContext ctx, OAuthParameters parameters) {
        ClientCredentials credentials = ClientCredentials.from(ctx, parameters, false);
        String refreshToken = parameters.require("refresh_token");
        String scope = parameters.get("scope");
        String source = AuthAttempts.source(ctx);
        blocking.reply(ctx, ErrorStyle.OAUTH, () -> {
            Client client = services.clients().authenticate(credentials.clientId(), credentials.clientSecret());
            Reply reply = TokenResponses.standard(services.refreshTokens().refresh(refreshToken, client, scope,
                    source));
            refreshIssued.increment();
            RequestObserver.authenticated(ctx, client.id().value());
            return reply;
        });
    }
}
