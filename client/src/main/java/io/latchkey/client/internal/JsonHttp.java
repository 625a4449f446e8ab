package io.latchkey.client.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Sends a request to the authorization server and reads a JSON object back, never more than
 * {@link #MAX_BODY_BYTES}: an answer that large is not one Latchkey sends, and reading it whole
 * would hand a misbehaving server our memory.
 */
public final class JsonHttp {
    static final int MAX_BODY_BYTES = 256 * 1024;
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient client;

    public JsonHttp(HttpClient client) {
        this.client = client;
    }

    public static HttpClient defaultClient() {
        return HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    /** The default client over {@code sslContext}: one with a client certificate (RFC 8705). */
    public static HttpClient clientWith(javax.net.ssl.SSLContext sslContext) {
        return HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).sslContext(sslContext).build();
    }

    /** The answer: status, headers, and the body as a JSON object when it was one (else empty). */
    public record Answer(int status, Optional<Map<String, Object>> json, HttpResponse<?> response) {
        public Optional<String> string(String field) {
            return json.map(body -> body.get(field)).filter(String.class::isInstance).map(String.class::cast);
        }

        public Optional<Number> number(String field) {
            return json.map(body -> body.get(field)).filter(Number.class::isInstance).map(Number.class::cast);
        }

        public Optional<String> header(String name) {
            return response.headers().firstValue(name);
        }

        public boolean ok() {
            return status >= 200 && status < 300;
        }

        @Override
        public String toString() {
            return "Answer[" + status + "]"; // the body may carry tokens or keys
        }
    }

    public Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new IOException("the answer from " + request.uri() + " is larger than " + MAX_BODY_BYTES + " bytes");
        }
        return new Answer(response.statusCode(), parseObject(new String(body, StandardCharsets.UTF_8)), response);
    }

    public static HttpRequest.Builder request(java.net.URI uri) {
        return HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("Accept", "application/json");
    }

    private static Optional<Map<String, Object>> parseObject(String body) {
        if (body.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSONObjectUtils.parse(body));
        } catch (ParseException e) {
            return Optional.empty();
        }
    }
}
