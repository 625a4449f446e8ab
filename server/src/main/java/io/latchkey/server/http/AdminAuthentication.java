package io.latchkey.server.http;

import io.latchkey.core.apikey.ApiKeyRole;
import io.latchkey.core.auth.Caller;
import io.latchkey.core.auth.CallerAuthentication;
import io.latchkey.core.error.LatchkeyException;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Runs before every admin route: the caller must present a valid admin API key in
 * {@code X-API-Key}, whose {@linkplain ApiKeyRole role} allows the route; who it is goes with the
 * request as the actor the operations audit.
 *
 * <p>This is the one place where roles are checked. Every admin route needs an
 * {@link ApiKeyRole#ADMIN admin} key except the few listed in {@link #VERIFIER_ROUTES}, so a route
 * added later is closed to verifier keys until it is named here. The pipeline's credential
 * management, the admin API in the integration model's spelling, asks {@link #requireRole} too.
 */
final class AdminAuthentication {
    /**
     * What a {@link ApiKeyRole#VERIFIER verifier} key may call under {@code /admin/}: reading what
     * verifying access tokens takes, nothing that changes anything. Outside it, introspection and
     * the revocation feed ({@code GET /oauth2/revocations}, {@link RevocationFeedEndpoint}) take a
     * key of either role, as {@link #requireRole}{@code (attempt, VERIFIER)}.
     */
    static final Set<String> VERIFIER_ROUTES = Set.of("GET /admin/keys/access-token");

    private final Operations operations;

    AdminAuthentication(Operations operations) {
        this.operations = operations;
    }

    void handle(RoutingContext ctx) {
        var attempt = FrontDoor.begin(ctx, Credentials.API_KEY, RequestFields.NONE);
        ApiKeyRole required = VERIFIER_ROUTES.contains(ctx.request().method().name() + " " + ctx.normalizedPath())
                ? ApiKeyRole.VERIFIER : ApiKeyRole.ADMIN;
        operations.authenticated(ctx, attempt, () -> {
            requireRole(attempt, required);
            ctx.put(AdminRequests.ACTOR, FrontDoor.actor(attempt));
            ctx.next();
        });
    }

    /**
     * Refuses with {@code forbidden} (403) an attempt that authenticated with an API key whose role
     * does not permit {@code required}. The key is valid, so this is no failed authentication:
     * the limiter does not count it.
     */
    static void requireRole(CallerAuthentication.Attempt attempt, ApiKeyRole required) {
        if (attempt.caller() instanceof Caller.Operator operator && !operator.key().role().permits(required)) {
            throw LatchkeyException.forbidden("This API key has the role '" + operator.key().role().storedName()
                    + "', which may only read what verifying tokens takes; this needs an '" + required.storedName()
                    + "' key.");
        }
    }
}
