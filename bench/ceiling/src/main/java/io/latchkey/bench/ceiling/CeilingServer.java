package io.latchkey.bench.ceiling;

import io.vertx.core.Future;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The benchmark's ceiling: Latchkey's HTTP stack with none of Latchkey's work. It is built the way
 * {@code LatchkeyServer} builds its edge — one {@link Vertx}, {@link HttpServer}s created from the
 * main thread (so each one lives on a single event loop), the same {@link HttpServerOptions}, a
 * vertx-web {@link Router} reached through a reference, the same {@link BodyHandler} — and answers
 * {@code POST /token} with a fixed JSON body of a token response's size and headers. Whatever an
 * endpoint of Latchkey serves below this, at the same concurrency on the same machine, is Latchkey's
 * own cost: parsing, authenticating, signing, the store, the worker hop.
 *
 * <pre>
 *   java -jar latchkey-bench-ceiling.jar [--host 127.0.0.1] [--port 8090] [--body-bytes 700] [--servers 1]
 * </pre>
 *
 * {@code --servers} is how many HTTP servers share the port (one event loop each); Latchkey today
 * creates one, and the benchmark passes the same number.
 */
public final class CeilingServer {
    /** Latchkey's default body limit (ServerConfig.DEFAULT_MAX_BODY_BYTES). */
    private static final int MAX_BODY_BYTES = 16 * 1024;

    private CeilingServer() {
    }

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 8090;
        int bodyBytes = 700;
        int servers = 1;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--host" -> host = required(args[i], value);
                case "--port" -> port = Integer.parseInt(required(args[i], value));
                case "--body-bytes" -> bodyBytes = Integer.parseInt(required(args[i], value));
                case "--servers" -> servers = Integer.parseInt(required(args[i], value));
                default -> {
                    System.err.println("ceiling: unknown argument " + args[i]);
                    System.exit(2);
                }
            }
            i++;
        }
        if (bodyBytes < 64 || servers < 1) {
            System.err.println("ceiling: --body-bytes must be at least 64 and --servers at least 1");
            System.exit(2);
        }

        Vertx vertx = Vertx.vertx();
        // As LatchkeyServer: the request handler reads the router through a reference (Latchkey swaps
        // its start-up router for the full one once the store is ready).
        AtomicReference<Router> active = new AtomicReference<>(router(vertx, tokenLikeBody(bodyBytes)));
        // As LatchkeyServer: each server deployed in a context of its own, so each has its own event loop.
        HttpServerOptions options = new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setMaxHeaderSize(8 * 1024)
                .setMaxFormAttributeSize(MAX_BODY_BYTES)
                .setHttp2ClearTextEnabled(false)
                .setPerFrameWebSocketCompressionSupported(false)
                .setPerMessageWebSocketCompressionSupported(false);
        List<HttpServer> started = new CopyOnWriteArrayList<>();
        await(vertx.deployVerticle(() -> context -> vertx.createHttpServer(options)
                        .requestHandler(request -> active.get().handle(request))
                        .listen()
                        .onSuccess(started::add),
                new DeploymentOptions().setInstances(servers)));
        System.out.println("ceiling listening on http://" + host + ":" + started.get(0).actualPort()
                + " (" + servers + " server(s), " + bodyBytes + "-byte body)");

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                await(vertx.close());
            } catch (Exception ignored) {
                // shutting down anyway
            }
            stopped.countDown();
        }, "ceiling-shutdown"));
        stopped.await();
    }

    private static Router router(Vertx vertx, Buffer body) {
        Router router = Router.router(vertx);
        BodyHandler bodies = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES).setDeleteUploadedFilesOnEnd(true);
        router.route().handler(ctx -> {
            ctx.response().putHeader("X-Content-Type-Options", "nosniff");
            ctx.next();
        });
        router.post("/token").handler(bodies).handler(ctx -> ctx.response()
                .putHeader("Cache-Control", "no-store")
                .putHeader("Pragma", "no-cache")
                .putHeader("Content-Type", "application/json")
                .end(body));
        router.get("/health/ready").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/json")
                .end("{\"status\":\"UP\"}"));
        return router;
    }

    /** A JSON object shaped like an RFC 6749 §5.1 token response, padded to exactly {@code size} bytes. */
    static Buffer tokenLikeBody(int size) {
        String head = "{\"access_token\":\"";
        String tail = "\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"refresh_token\":\"r\"}";
        int padding = Math.max(0, size - head.length() - tail.length());
        String json = head + "a".repeat(padding) + tail;
        return Buffer.buffer(json.getBytes(StandardCharsets.US_ASCII));
    }

    private static String required(String flag, String value) {
        if (value == null) {
            System.err.println("ceiling: " + flag + " needs a value");
            System.exit(2);
        }
        return value;
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
