package io.latchkey.server.http;

import io.vertx.ext.web.RoutingContext;

/**
 * Runs before every admin route: the caller must present a valid admin API key in
 * {@code X-API-Key}; who it is goes with the request as the actor the operations audit.
 */
final class AdminAuthentication {
    private final Operations operations;

    AdminAuthentication(Operations operations) {
        this.operations = operations;
    }

    void handle(RoutingContext ctx) {
        var attempt = FrontDoor.begin(ctx, Credentials.API_KEY, RequestFields.NONE);
        operations.authenticated(ctx, attempt, () -> {
            ctx.put(AdminRequests.ACTOR, FrontDoor.actor(attempt));
            ctx.next();
        });
    }
}
