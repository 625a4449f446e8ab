package io.latchkey.server.http;

import io.latchkey.core.client.Client;
import io.latchkey.server.Services;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /oauth2/revoke} (RFC 7009): a client revokes one of its tokens. The answer is 200
 * for any token, valid or not (§2.2); revoking a refresh token ends its whole rotation family.
 */
final class RevocationEndpoint {
    private final Services services;
    private final Blocking blocking;

    RevocationEndpoint(Services services, Blocking blocking) {
        this.services = services;
        this.blocking = blocking;
    }

    void handle(RoutingContext ctx) {
        OAuthParameters parameters = OAuthParameters.parse(ctx);
        ClientCredentials credentials = ClientCredentials.from(ctx, parameters, false);
        String token = parameters.require("token");
        // token_type_hint is only a hint (§2.1): both kinds are tried whatever it says.
        blocking.reply(ctx, ErrorStyle.OAUTH, () -> {
            Client client = services.clients().authenticate(credentials.clientId(), credentials.clientSecret());
            services.revocation().revoke(client, token);
            return new Reply(200, null, true);
        });
    }
}
