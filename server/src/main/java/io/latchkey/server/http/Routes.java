package io.latchkey.server.http;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.server.Services;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.BooleanSupplier;

/**
 * The HTTP surface of SPEC §1–§4 in one table. Each route parses and validates on the event loop,
 * hands store work to a worker, and maps any failure to a response in {@link Responses}.
 */
public final class Routes {
    private Routes() {
    }

    /** Health routes only: what answers while the store is still being opened and migrated. */
    public static Router starting(Vertx vertx, BooleanSupplier ready) {
        Router router = Router.router(vertx);
        health(router, ready);
        fallbacks(router);
        return router;
    }

    public static Router router(Vertx vertx, Services services, int maxBodyBytes, java.util.Set<String> trustedProxies,
                                boolean tls, BooleanSupplier ready) {
        Router router = Router.router(vertx);
        Blocking blocking = new Blocking(vertx);
        BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBodyBytes).setDeleteUploadedFilesOnEnd(true);
        AuthAttempts attempts = new AuthAttempts(services.failedAttempts(), trustedProxies, services.auditor(), vertx);
        router.route().handler(ctx -> {
            ctx.response().putHeader("X-Content-Type-Options", "nosniff");
            if (tls) {
                ctx.response().putHeader("Strict-Transport-Security", "max-age=31536000"); // RFC 6797
            }
            attempts.attach(ctx);
            ctx.next();
        });
        health(router, ready);

        PipelineEndpoint pipeline = new PipelineEndpoint(services, blocking);
        post(router, "/pipeline/oauth2", body, ErrorStyle.PIPELINE, pipeline::handle);

        TokenEndpoint token = new TokenEndpoint(services, blocking);
        IntrospectionEndpoint introspection = new IntrospectionEndpoint(services, blocking);
        RevocationEndpoint revocation = new RevocationEndpoint(services, blocking);
        post(router, "/oauth2/token", body, ErrorStyle.OAUTH, token::handle);
        post(router, "/oauth2/introspect", body, ErrorStyle.OAUTH, introspection::handle);
        post(router, "/oauth2/revoke", body, ErrorStyle.OAUTH, revocation::handle);

        MetadataEndpoints metadata = new MetadataEndpoints(services);
        get(router, "/.well-known/oauth-authorization-server", ErrorStyle.OAUTH, metadata::metadata);
        get(router, "/oauth2/jwks", ErrorStyle.OAUTH, metadata::jwks);

        AdminRoutes admin = new AdminRoutes(services, blocking);
        router.route("/admin/*").handler(guarded(ErrorStyle.PIPELINE, admin::authenticate))
                .failureHandler(ctx -> Responses.sendFailure(ctx, ErrorStyle.PIPELINE));
        post(router, "/admin/clients", body, ErrorStyle.PIPELINE, admin::createClient);
        get(router, "/admin/clients", ErrorStyle.PIPELINE, admin::listClients);
        get(router, "/admin/clients/:clientId", ErrorStyle.PIPELINE, admin::getClient);
        route(router, HttpMethod.DELETE, "/admin/clients/:clientId", body, ErrorStyle.PIPELINE, admin::deleteClient);
        post(router, "/admin/clients/:clientId/secret", body, ErrorStyle.PIPELINE, admin::rotateSecret);
        post(router, "/admin/api-keys", body, ErrorStyle.PIPELINE, admin::createApiKey);
        get(router, "/admin/api-keys", ErrorStyle.PIPELINE, admin::listApiKeys);
        route(router, HttpMethod.DELETE, "/admin/api-keys/:id", body, ErrorStyle.PIPELINE, admin::deleteApiKey);
        post(router, "/admin/keys/rotate", body, ErrorStyle.PIPELINE, admin::rotateKeys);
        get(router, "/admin/keys/access-token", ErrorStyle.PIPELINE, new SharedKeyEndpoint(services)::handle);
        get(router, "/admin/audit", ErrorStyle.PIPELINE, admin::audit);

        // Every route above is described there; OpenApiDocumentTest holds the two to each other.
        get(router, "/openapi.json", ErrorStyle.PIPELINE, new ApiDocument()::handle);

        fallbacks(router);
        return router;
    }

    private static void health(Router router, BooleanSupplier ready) {
        router.get("/health/live").handler(ctx -> Responses.send(ctx, Reply.ok(java.util.Map.of("status", "UP"))));
        router.get("/health/ready").handler(ctx -> Responses.send(ctx, ready.getAsBoolean()
                ? Reply.ok(java.util.Map.of("status", "UP"))
                : new Reply(503, java.util.Map.of("status", "DOWN"), false)));
    }

    /** Unknown paths and methods answer JSON like everything else, not Vert.x's HTML. */
    private static void fallbacks(Router router) {
        // Vert.x answers 400 itself when a path does not decode (an escape like %zz): answer JSON
        // like everywhere else, and keep its stack trace out of the log ("Unhandled exception in router").
        router.errorHandler(400, ctx -> Responses.sendError(ctx, ErrorStyle.PIPELINE,
                LatchkeyException.invalidRequest(Responses.messageFor(ErrorCode.INVALID_REQUEST))));
        router.errorHandler(404, ctx -> Responses.sendFailure(ctx, ErrorStyle.PIPELINE));
        router.errorHandler(405, ctx -> Responses.sendFailure(ctx, ErrorStyle.PIPELINE));
        router.errorHandler(500, ctx -> Responses.sendFailure(ctx, ErrorStyle.PIPELINE));
    }

    private static void post(Router router, String path, BodyHandler body, ErrorStyle style,
                             Handler<RoutingContext> handler) {
        route(router, HttpMethod.POST, path, body, style, handler);
    }

    private static void get(Router router, String path, ErrorStyle style, Handler<RoutingContext> handler) {
        router.get(path).handler(guarded(style, handler)).failureHandler(ctx -> Responses.sendFailure(ctx, style));
    }

    private static void route(Router router, HttpMethod method, String path, BodyHandler body, ErrorStyle style,
                              Handler<RoutingContext> handler) {
        Route route = router.route(method, path);
        route.handler(body).handler(guarded(style, handler)).failureHandler(ctx -> Responses.sendFailure(ctx, style));
    }

    /** A handler whose thrown errors (validation on the event loop) are answered, not escalated. */
    private static Handler<RoutingContext> guarded(ErrorStyle style, Handler<RoutingContext> handler) {
        return ctx -> {
            try {
                handler.handle(ctx);
            } catch (RuntimeException e) {
                Responses.sendError(ctx, style, e);
            }
        };
    }
}
