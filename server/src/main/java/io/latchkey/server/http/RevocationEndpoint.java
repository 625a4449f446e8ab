package io.latchkey.server.http;

import io.latchkey.core.auth.Caller;
import io.latchkey.server.Services;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * {@code POST /oauth2/revoke} (RFC 7009): a client revokes one of its tokens. The answer is 200
 * for any token, valid or not (§2.2); revoking a refresh token ends its whole rotation family.
 * The body is an empty JSON object: §2.2 leaves it to the server, and clients that parse every
 * answer as JSON (simple-oauth2, for one) fail on an empty one.
 */
final class RevocationEndpoint {
    private final Services services;
    private final Operations operations;

    RevocationEndpoint(Services services, Operations operations) {
        this.services = services;
        this.operations = operations;
    }

    void handle(RoutingContext ctx) {
        OAuthParameters parameters = OAuthParameters.parse(ctx);
        var attempt = FrontDoor.begin(ctx, Credentials.CLIENT, parameters);
        String token = parameters.require("token");
        // token_type_hint is only a hint (§2.1): both kinds are tried whatever it says.
        operations.onWorker(ctx, () -> {
            Caller.ClientCaller caller = (Caller.ClientCaller) attempt.caller();
            services.revocation().revoke(caller.client(), token);
            return new Reply(200, Map.of(), true);
        });
    }
}
