package io.latchkey.server.http;

import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;

/**
 * Runs a domain operation that may touch the store on a worker thread, never on the event loop,
 * and answers with its result or its error; the request id follows the work to the worker.
 */
final class Blocking {
    private final Vertx vertx;

    Blocking(Vertx vertx) {
        this.vertx = vertx;
    }

    void reply(RoutingContext ctx, ErrorStyle style, Callable<Reply> operation) {
        vertx.executeBlocking(RequestObserver.traced(ctx, operation), false).onComplete(result -> {
            String previous = RequestObserver.enter(ctx);
            try {
                if (result.succeeded()) {
                    Responses.send(ctx, result.result());
                } else {
                    Responses.sendError(ctx, style, result.cause());
                }
            } finally {
                RequestObserver.exit(previous);
            }
        });
    }
}
