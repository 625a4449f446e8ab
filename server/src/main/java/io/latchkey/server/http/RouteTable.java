package io.latchkey.server.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Registers routes in one error style, each with its body handler, its failure mapping and its
 * latency series: what every route of the server shares, said once.
 */
final class RouteTable {
    private final Router router;
    private final RequestBody body;
    private final RequestObserver observer;
    private final ErrorStyle style;

    RouteTable(Router router, RequestBody body, RequestObserver observer, ErrorStyle style) {
        this.router = router;
        this.body = body;
        this.observer = observer;
        this.style = style;
    }

    void post(String path, Handler<RoutingContext> handler) {
        route(HttpMethod.POST, path, handler);
    }

    void put(String path, Handler<RoutingContext> handler) {
        route(HttpMethod.PUT, path, handler);
    }

    void patch(String path, Handler<RoutingContext> handler) {
        route(HttpMethod.PATCH, path, handler);
    }

    void delete(String path, Handler<RoutingContext> handler) {
        route(HttpMethod.DELETE, path, handler);
    }

    void get(String path, Handler<RoutingContext> handler) {
        RequestObserver.ObservedRoute observed = observer.route(path, "GET");
        router.get(path).handler(guarded(observed, handler)).failureHandler(failure(observed));
    }

    /**
     * A route for every method at {@code path} and below it, reading no body (a gateway's check
     * carries none worth reading): what is sent is drained and dropped.
     */
    void any(String path, Handler<RoutingContext> handler) {
        RequestObserver.ObservedRoute observed = observer.route(path, "ANY");
        Handler<RoutingContext> guarded = guarded(observed, handler);
        Handler<RoutingContext> failure = failure(observed);
        for (String at : new String[] {path, path + "/*"}) {
            router.route(at).handler(ctx -> {
                ctx.request().resume(); // the router paused it for a body handler; no data handler drops the bytes
                guarded.handle(ctx);
            }).failureHandler(failure);
        }
    }

    /** A handler for every method under {@code path} that runs before the routes there. */
    void before(String path, Handler<RoutingContext> handler) {
        RequestObserver.ObservedRoute observed = observer.route(path, "ANY");
        router.route(path).handler(guarded(observed, handler)).failureHandler(failure(observed));
    }

    private void route(HttpMethod method, String path, Handler<RoutingContext> handler) {
        RequestObserver.ObservedRoute observed = observer.route(path, method.name());
        Route route = router.route(method, path);
        route.handler(body).handler(guarded(observed, handler)).failureHandler(failure(observed));
    }

    /**
     * A handler whose thrown errors (validation on the event loop) are answered, not escalated,
     * and that runs in the request's scope (a body handler may resume it on a later event).
     */
    Handler<RoutingContext> guarded(RequestObserver.ObservedRoute route, Handler<RoutingContext> handler) {
        return ctx -> {
            RequestObserver.answeredBy(ctx, route);
            style.applyTo(ctx);
            RequestObserver.inScope(ctx, () -> {
                try {
                    handler.handle(ctx);
                } catch (RuntimeException e) {
                    Responses.sendError(ctx, FrontDoor.failed(ctx, e));
                }
            });
        };
    }

    private Handler<RoutingContext> failure(RequestObserver.ObservedRoute route) {
        return ctx -> {
            RequestObserver.answeredBy(ctx, route);
            style.applyTo(ctx);
            RequestObserver.inScope(ctx, () -> Responses.sendFailure(ctx));
        };
    }
}
