package io.latchkey.server.http;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.token.CachingCheck;
import io.latchkey.server.Services;
import io.latchkey.server.console.ConsoleRoutes;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;

/**
 * The HTTP surface of SPEC §1–§4 in one table. Each route parses and validates on the event loop,
 * authenticates its caller through the {@link FrontDoor}, runs its domain operation through
 * {@link Operations}, and maps any failure to a response in {@link Responses}.
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
        return router(vertx, services, maxBodyBytes, trustedProxies, tls, ready, observer, metricsToken,
                ClientCertificates.none(), io.latchkey.server.config.ServerConfig.DEFAULT_SECRET_EXPIRY_WARNING);
    }

    /**
     * As above, with client certificates (RFC 8705) read where {@code certificates} says, and the
     * overview listing the secrets that expire within {@code secretExpiryWarning} unless asked otherwise.
     */
    public static Router router(Vertx vertx, Services services, int maxBodyBytes, java.util.Set<String> trustedProxies,
                                boolean tls, BooleanSupplier ready, RequestObserver observer, String metricsToken,
                                ClientCertificates certificates, java.time.Duration secretExpiryWarning) {
        Router router = Router.router(vertx);
        Operations operations = new Operations(vertx);
        RequestBody body = new RequestBody(maxBodyBytes);
        FrontDoor door = new FrontDoor(services.authentication(), new SourceAddress(trustedProxies));
        router.route().handler(ctx -> {
            securityHeaders(ctx, tls);
            door.attach(ctx);
            certificates.attach(ctx);
            observer.handle(ctx);
        });
        health(router, ready, observer);
        RouteTable pipelineStyle = new RouteTable(router, body, observer, ErrorStyle.PIPELINE);
        RouteTable oauthStyle = new RouteTable(router, body, observer, ErrorStyle.OAUTH);

        pipelineStyle.get("/metrics", new MetricsEndpoint(observer.metrics(), metricsToken, operations)::handle);
        pipelineStyle.post("/pipeline/oauth2", new PipelineEndpoint(services, operations, observer.metrics())::handle);

        oauthStyle.post("/oauth2/token", new TokenEndpoint(services, operations, observer.metrics())::handle);
        oauthStyle.post("/oauth2/introspect", new IntrospectionEndpoint(services, operations)::handle);
        oauthStyle.post("/oauth2/revoke", new RevocationEndpoint(services, operations)::handle);
        // SPEC §9: for offline verifiers; from memory, long-polled.
        oauthStyle.get("/oauth2/revocations",
                new RevocationFeedEndpoint(services.revocations(), operations)::handle);
        // SPEC §8: for gateways; any method, any path below it, no body, no store for a cached client.
        oauthStyle.any("/oauth2/check", new CheckEndpoint(services.introspection(), operations, services.dpop())::handle);
        MetadataEndpoints metadata = new MetadataEndpoints(services, certificates.enabled());
        oauthStyle.get("/.well-known/oauth-authorization-server", metadata::metadata);
        oauthStyle.get("/oauth2/jwks", metadata::jwks);

        // The admin API (SPEC §4): an admin API key opens every route under /admin/, one routes
        // file per resource.
        pipelineStyle.before("/admin/*", new AdminAuthentication(operations)::handle);
        new ClientRoutes(services, operations).register(pipelineStyle);
        CachingCheck caching = new CachingCheck(services.tokenSettings(), services.apis());
        new UsageRoutes(services, operations, caching).register(pipelineStyle);
        new OverviewRoutes(services, operations, observer.metrics().recent(), caching, secretExpiryWarning)
                .register(pipelineStyle);
        new ApiKeyRoutes(services, operations).register(pipelineStyle);
        new ApiRoutes(services, operations).register(pipelineStyle);
        new SigningKeyRoutes(services, operations).register(pipelineStyle);
        new AuditRoutes(services, operations).register(pipelineStyle);
        new WebhookRoutes(services, operations).register(pipelineStyle);

        // Every route above is described there; OpenApiDocumentTest holds the two to each other.
        pipelineStyle.get("/openapi.json", new ApiDocument()::handle);

        ConsoleRoutes.mount(router);

        fallbacks(router, observer);
        return router;
    }

    /** The client-authentication methods of the edge's own resources (the metrics token). */
    public static java.util.List<io.latchkey.core.auth.ClientAuthentication<?>> edgeAuthentications(String metricsToken) {
        return java.util.List.of(new MetricsEndpoint.TokenAuthentication(metricsToken));
    }

    /** Headers on every answer, the starting router's included. */
    private static void securityHeaders(RoutingContext ctx, boolean tls) {
        ctx.response().putHeader("X-Content-Type-Options", "nosniff");
        if (tls) {
            ctx.response().putHeader("Strict-Transport-Security", "max-age=31536000"); // RFC 6797
        }
    }

    private static void health(Router router, BooleanSupplier ready, RequestObserver observer) {
        RouteTable table = new RouteTable(router, null, observer, ErrorStyle.PIPELINE);
        table.get("/health/live", ctx -> Responses.send(ctx, Reply.ok(java.util.Map.of("status", "UP"))));
        table.get("/health/ready", ctx -> Responses.send(ctx, ready.getAsBoolean()
                ? Reply.ok(java.util.Map.of("status", "UP"))
                : new Reply(503, java.util.Map.of("status", "DOWN"), false)));
    }

    /** Unknown paths and methods answer JSON like everything else, not Vert.x's HTML. */
    private static void fallbacks(Router router, RequestObserver observer) {
        // Vert.x answers 400 itself when a path does not decode (an escape like %zz): answer JSON
        // like everywhere else, and keep its stack trace out of the log ("Unhandled exception in router").
        router.errorHandler(400, observed(observer, ctx -> Responses.sendError(ctx,
                LatchkeyException.invalidRequest(Responses.messageFor(ErrorCode.INVALID_REQUEST)))));
        router.errorHandler(404, observed(observer, Responses::sendFailure));
        router.errorHandler(405, observed(observer, Responses::sendFailure));
        router.errorHandler(500, observed(observer, Responses::sendFailure));
    }

    /** An error handler that observes the request too: Vert.x may refuse one before any route ran. */
    private static Handler<RoutingContext> observed(RequestObserver observer, Handler<RoutingContext> handler) {
        return ctx -> {
            observer.begin(ctx);
            RequestObserver.inScope(ctx, () -> handler.handle(ctx));
        };
    }
}
