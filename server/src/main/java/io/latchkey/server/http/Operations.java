package io.latchkey.server.http;

import io.latchkey.core.auth.CallerAuthentication;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;

/**
 * Runs an endpoint's domain operation where it belongs, decided here once: on the event loop when
 * everything it touches is in memory (signing is microseconds, so a worker hop would cost more
 * than the work), else on a worker thread, never blocking an event loop on the store. Either way
 * it answers with the operation's reply, or with its failure as the {@link FrontDoor} sees it.
 */
final class Operations {
    private final Vertx vertx;

    Operations(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Runs {@code operation} inline when {@code inMemory}, else on a worker. */
    void run(RoutingContext ctx, boolean inMemory, Callable<Reply> operation) {
        if (!inMemory) {
            onWorker(ctx, operation);
            return;
        }
        Reply reply;
        try {
            reply = operation.call();
        } catch (Exception e) {
            Responses.sendError(ctx, FrontDoor.failed(ctx, e));
            return;
        }
        Responses.send(ctx, reply);
    }

    /**
     * Computes {@code work} inline when {@code inMemory}, else on a worker, then hands its result
     * to {@code answer} on the request's event loop: for an endpoint that writes its own answer
     * (the check endpoint's headers); a failure is answered as {@link #run} answers it.
     */
    <T> void compute(RoutingContext ctx, boolean inMemory, Callable<T> work, java.util.function.Consumer<T> answer) {
        if (inMemory) {
            T result;
            try {
                result = work.call();
            } catch (Exception e) {
                Responses.sendError(ctx, FrontDoor.failed(ctx, e));
                return;
            }
            answer.accept(result);
            return;
        }
        vertx.executeBlocking(RequestObserver.traced(ctx, work), false).onComplete(result ->
                RequestObserver.inScope(ctx, () -> {
                    try {
                        if (result.failed()) {
                            throw result.cause();
                        }
                        answer.accept(result.result());
                    } catch (Throwable e) {
                        Responses.sendError(ctx, FrontDoor.failed(ctx, e));
                    }
                }));
    }

    /** Runs {@code operation}, which may touch the store, on a worker; the request id follows it. */
    void onWorker(RoutingContext ctx, Callable<Reply> operation) {
        vertx.executeBlocking(RequestObserver.traced(ctx, operation), false).onComplete(result ->
                RequestObserver.inScope(ctx, () -> {
                    if (result.succeeded()) {
                        Responses.send(ctx, result.result());
                    } else {
                        Responses.sendError(ctx, FrontDoor.failed(ctx, result.cause()));
                    }
                }));
    }

    /**
     * Checks the caller of {@code attempt} (inline when that reads no store, else on a worker),
     * then runs {@code next} on the request's event loop: for operations whose input is validated
     * only once the caller is known, so that an unauthenticated caller learns nothing of it.
     */
    void authenticated(RoutingContext ctx, CallerAuthentication.Attempt attempt, Runnable next) {
        if (attempt.inMemory()) {
            attempt.caller();
            next.run();
            return;
        }
        vertx.executeBlocking(RequestObserver.traced(ctx, attempt::caller), false).onComplete(result ->
                RequestObserver.inScope(ctx, () -> {
                    try {
                        if (result.failed()) {
                            throw result.cause();
                        }
                        next.run();
                    } catch (Throwable e) {
                        Responses.sendError(ctx, FrontDoor.failed(ctx, e));
                    }
                }));
    }

    Vertx vertx() {
        return vertx;
    }
}
