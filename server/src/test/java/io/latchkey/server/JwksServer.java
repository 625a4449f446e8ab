package io.latchkey.server;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A partner's web server publishing JWK sets, on loopback over plain http (which SPEC §7 allows
 * there), one path per test: what each path answers can be changed while the test runs, and
 * the requests it got are counted.
 */
public final class JwksServer implements AutoCloseable {
    /** What one path answers. */
    public record Answer(int status, String contentType, byte[] body, Map<String, String> headers, boolean hang) {
        public static Answer of(JWK... publicKeys) {
            return json(new JWKSet(List.of(publicKeys)).toString(false));
        }

        public static Answer json(String json) {
            return new Answer(200, "application/jwk-set+json", json.getBytes(StandardCharsets.UTF_8), Map.of(), false);
        }

        public static Answer text(int status, String text) {
            return new Answer(status, "text/html", text.getBytes(StandardCharsets.UTF_8), Map.of(), false);
        }

        public static Answer redirect(String location) {
            return new Answer(302, "text/plain", new byte[0], Map.of("Location", location), false);
        }

        /** Headers never come: a server too slow to wait for. */
        public static Answer hanging() {
            return new Answer(200, "application/json", new byte[0], Map.of(), true);
        }
    }

    private final HttpServer http;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    public JwksServer() {
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        http.setExecutor(threads);
        http.createContext("/", this::answer);
        http.start();
    }

    /** A fresh path answering {@code answer}; its URL. */
    public String serve(Answer answer) {
        String path = "/" + UUID.randomUUID() + "/jwks.json";
        answers.put(path, answer);
        return url(path);
    }

    /** Changes what the path of {@code url} answers. */
    public void change(String url, Answer answer) {
        answers.put(pathOf(url), answer);
    }

    public int requests(String url) {
        AtomicInteger count = requests.get(pathOf(url));
        return count == null ? 0 : count.get();
    }

    String url(String path) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    private String pathOf(String url) {
        return java.net.URI.create(url).getPath();
    }

    private void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        Answer answer = answers.getOrDefault(path, Answer.text(404, "not here"));
        try (exchange) {
            if (answer.hang()) {
                try {
                    closing.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
            if (answer.body().length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer.body());
                }
            }
        }
    }

    @Override
    public void close() {
        closing.countDown();
        http.stop(0);
        threads.shutdownNow();
    }
}
