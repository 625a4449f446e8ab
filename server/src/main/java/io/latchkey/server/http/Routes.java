package io.latchkey.server.http;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.server.Services;
import io.latchkey.server.console.ConsoleRoutes;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;

/**
 * The HTTP surface of SPEC §1–§4 in one table. Each route parses and validates on the event loop,
 * hands store work to a worker, and maps any failure to a response in {@link Responses}.
 */
public final class Routes {
    private Routes() {
    }

    /** Health routes only: what answers while the store is still being opened and migrated. */
    public static Router starting(Vertx vertx, boolean tls, BooleanSupplier ready, RequestObserver observer) {
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            securityHeaders(ctx, tls);
            observer.handle(ctx);
        });
        health(router, ready, observer);
        fallbacks(router, observer);
        return router;
    }

    public static Router router(Vertx vertx, Services services, int maxBodyBytes, java.util.Set<String> trustedProxies,
                                boolean tls, BooleanSupplier ready, RequestObserver observer, String metricsToken) {
        Router router = Router.router(vertx);
        Blocking blocking = new Blocking(vertx);
        RequestBody body = new RequestBody(maxBodyBytes);
        AuthAttempts attempts = new AuthAttempts(services.failedAttempts(), trustedProxies, services.auditor(), vertx);
        router.route().handler(ctx -> {
            securityHeaders(ctx, tls);
            attempts.attach(ctx);
            observer.handle(ctx);
        });
        health(router, ready, observer);
        Table table = new Table(router, body, observer);
        table.get("/metrics", ErrorStyle.PIPELINE,
                new MetricsEndpoint(observer.metrics(), metricsToken, vertx)::handle);

        PipelineEndpoint pipeline = new PipelineEndpoint(services, blocking, observer.metrics());
        table.post("/pipeline/oauth2", ErrorStyle.PIPELINE, pipeline::handle);

        TokenEndpoint token = new TokenEndpoint(services, blocking, observer.metrics());
        IntrospectionEndpoint introspection = new IntrospectionEndpoint(services, blocking);
        RevocationEndpoint revocation = new RevocationEndpoint(services, blocking);
        table.post("/oauth2/token", ErrorStyle.OAUTH, token::handle);
        table.post("/oauth2/introspect", ErrorStyle.OAUTH, introspection::handle);
        table.post("/oauth2/revoke", ErrorStyle.OAUTH, revocation::handle);

        MetadataEndpoints metadata = new MetadataEndpoints(services);
        table.get("/.well-known/oauth-authorization-server", ErrorStyle.OAUTH, metadata::metadata);
        table.get("/oauth2/jwks", ErrorStyle.OAUTH, metadata::jwks);

        AdminRoutes admin = new AdminRoutes(services, blocking);
        RequestObserver.ObservedRoute adminGuard = observer.route("/admin/*", "ANY");
        router.route("/admin/*").handler(guarded(ErrorStyle.PIPELINE, adminGuard, admin::authenticate))
                .failureHandler(failure(ErrorStyle.PIPELINE, adminGuard));
        table.post("/admin/clients", ErrorStyle.PIPELINE, admin::createClient);
        table.get("/admin/clients", ErrorStyle.PIPELINE, admin::listClients);
        table.get("/admin/clients/:clientId", ErrorStyle.PIPELINE, admin::getClient);
        table.route(HttpMethod.DELETE, "/admin/clients/:clientId", ErrorStyle.PIPELINE, admin::deleteClient);
        table.post("/admin/clients/:clientId/secret", ErrorStyle.PIPELINE, admin::rotateSecret);
        table.post("/admin/api-keys", ErrorStyle.PIPELINE, admin::createApiKey);
        table.get("/admin/api-keys", ErrorStyle.PIPELINE, admin::listApiKeys);
        table.route(HttpMethod.DELETE, "/admin/api-keys/:id", ErrorStyle.PIPELINE, admin::deleteApiKey);
        table.post("/admin/keys/rotate", ErrorStyle.PIPELINE, admin::rotateKeys);
        table.get("/admin/keys/access-token", ErrorStyle.PIPELINE, new SharedKeyEndpoint(services)::handle);
        table.get("/admin/audit", ErrorStyle.PIPELINE, admin::audit);

        // Every route above is described there; OpenApiDocumentTest holds the two to each other.
        table.get("/openapi.json", ErrorStyle.PIPELINE, new ApiDocument()::handle);

        ConsoleRoutes.mount(router);

        fallbacks(router, observer);
        return router;
    }

    /** Headers on every answer, the starting router's included. */
    private static void securityHeaders(RoutingContext ctx, boolean tls) {
        ctx.response().putHeader("X-Content-Type-Options", "nosniff");
        if (tls) {
            ctx.response().putHeader("Strict-Transport-Security", "max-age=31536000"); // RFC 6797
        }
    }

    private static void health(Router router, BooleanSupplier ready, RequestObserver observer) {
        router.get("/health/live").handler(guarded(ErrorStyle.PIPELINE, observer.route("/health/live", "GET"),
                ctx -> Responses.send(ctx, Reply.ok(java.util.Map.of("status", "UP")))));
        router.get("/health/ready").handler(guarded(ErrorStyle.PIPELINE, observer.route("/health/ready", "GET"),
                ctx -> Responses.send(ctx, ready.getAsBoolean()
                        ? Reply.ok(java.util.Map.of("status", "UP"))
                        : new Reply(503, java.util.Map.of("status", "DOWN"), false))));
    }

    /** Unknown paths and methods answer JSON like everything else, not Vert.x's HTML. */
    private static void fallbacks(Router router, RequestObserver observer) {
        // Vert.x answers 400 itself when a path does not decode (an escape like %zz): answer JSON
        // like everywhere else, and keep its stack trace out of the log ("Unhandled exception in router").
        router.errorHandler(400, observed(observer, ctx -> Responses.sendError(ctx, ErrorStyle.PIPELINE,
                LatchkeyException.invalidRequest(Responses.messageFor(ErrorCode.INVALID_REQUEST)))));
        router.errorHandler(404, observed(observer, ctx -> Responses.sendFailure(ctx, ErrorStyle.PIPELINE)));
        router.errorHandler(405, observed(observer, ctx -> Responses.sendFailure(ctx, ErrorStyle.PIPELINE)));
        router.errorHandler(500, observed(observer, ctx -> Responses.sendFailure(ctx, ErrorStyle.PIPELINE)));
    }

    /** An error handler that observes the request too: Vert.x may refuse one before any route ran. */
    private static Handler<RoutingContext> observed(RequestObserver observer, Handler<RoutingContext> handler) {
        return ctx -> {
            observer.begin(ctx);
            String previous = RequestObserver.enter(ctx);
            try {
                handler.handle(ctx);
            } finally {
                RequestObserver.exit(previous);
            }
        };
    }

    /** Registers routes with their body handler, error mapping and latency series. */
    private record Table(Router router, RequestBody body, RequestObserver observer) {
        void post(String path, ErrorStyle style, Handler<RoutingContext> handler) {
            route(HttpMethod.POST, path, style, handler);
        }

        void get(String path, ErrorStyle style, Handler<RoutingContext> handler) {
            RequestObserver.ObservedRoute observed = observer.route(path, "GET");
            router.get(path).handler(guarded(style, observed, handler)).failureHandler(failure(style, observed));
        }

        void route(HttpMethod method, String path, ErrorStyle style, Handler<RoutingContext> handler) {
            RequestObserver.ObservedRoute observed = observer.route(path, method.name());
            Route route = router.route(method, path);
            route.handler(body).handler(guarded(style, observed, handler)).failureHandler(failure(style, observed));
        }
    }

    /**
     * A handler whose thrown errors (validation on the event loop) are answered, not escalated,
     * and that runs with the request id in the MDC (a body handler may resume it on a later event).
     */
    private static Handler<RoutingContext> guarded(ErrorStyle style, RequestObserver.ObservedRoute route,
                                                   Handler<RoutingContext> handler) {
        return ctx -> {
            RequestObserver.answeredBy(ctx, route);
            String previous = RequestObserver.enter(ctx);
            try {
                handler.handle(ctx);
            } catch (RuntimeException e) {
                Responses.sendError(ctx, style, e);
            } finally {
                RequestObserver.exit(previous);
            }
        };
    }

    private static Handler<RoutingContext> failure(ErrorStyle style, RequestObserver.ObservedRoute route) {
        return ctx -> {
            RequestObserver.answeredBy(ctx, route);
            String previous = RequestObserver.enter(ctx);
            try {
                Responses.sendFailure(ctx, style);
            } finally {
                RequestObserver.exit(previous);
            }
        };
    }
}
