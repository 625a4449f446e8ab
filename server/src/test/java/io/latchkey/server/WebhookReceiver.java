package io.latchkey.server;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A webhook receiver for tests: a real HTTP server on loopback that keeps every request it got,
 * and answers with the status {@link #answer(int)} set (200 to begin with).
 */
final class WebhookReceiver implements AutoCloseable {
    /** One request as received: the Standard Webhooks headers, the W3C traceparent (if any) and the raw body. */
    record Received(String id, String timestamp, String signature, String contentType, String body,
                    String traceparent) {
    }

    private final HttpServer http;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile int status = 200;

    WebhookReceiver() {
        try {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        http.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            var headers = exchange.getRequestHeaders();
            received.add(new Received(headers.getFirst("webhook-id"), headers.getFirst("webhook-timestamp"),
                    headers.getFirst("webhook-signature"), headers.getFirst("content-type"),
                    new String(body, StandardCharsets.UTF_8), headers.getFirst("traceparent")));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        http.setExecutor(Executors.newFixedThreadPool(2));
        http.start();
    }

    /** The URL to subscribe, at {@code path}. */
    String url(String path) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    void answer(int status) {
        this.status = status;
    }

    List<Received> received() {
        return new ArrayList<>(received);
    }

    /** Waits (up to {@code bound}) until the requests received satisfy {@code condition}. */
    List<Received> awaitReceived(Duration bound, Predicate<List<Received>> condition) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.test(received())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the receiver got " + received().size() + " requests, not what was awaited: "
                        + received());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return received();
    }

    @Override
    public void close() {
        http.stop(0);
        ((java.util.concurrent.ExecutorService) http.getExecutor()).shutdownNow();
    }
}
