package io.latchkey.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import javax.net.ssl.SSLException;

/**
 * The admin API of a running server (SPEC §4) over {@link HttpClient}: JSON in, JSON out, and
 * every failure turned into a {@link CommandFailure} of one line. The API key goes into the
 * {@code X-API-Key} header and nowhere else: no message of this class ever holds it.
 */
final class AdminClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final String apiKey;
    private final HttpClient http;

    private AdminClient(URI base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    /** A client for the server at {@code url}; fails on a URL that is not http(s) or a missing key. */
    static AdminClient connect(String url, String apiKey) {
        if (apiKey == null || apiKey.isBlank()) {
            throw new CommandFailure("no admin API key: set LATCHKEY_API_KEY or pass --api-key");
        }
        return new AdminClient(baseUri(url), apiKey.trim());
    }

    private static URI baseUri(String url) {
        String trimmed = url == null ? "" : url.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        try {
            URI uri = new URI(trimmed);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getRawQuery() == null && uri.getRawFragment() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // answered below
        }
        throw new CommandFailure("--url must be the server's base URL, such as http://localhost:8080");
    }

    JsonNode get(String path, Map<String, String> query) {
        StringJoiner parameters = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((name, value) -> {
            if (value != null) {
                parameters.add(encode(name) + "=" + encode(value));
            }
        });
        return send(request(path + parameters).GET());
    }

    /** POSTs {@code body} as JSON, or nothing when it is {@code null}. */
    JsonNode post(String path, Object body) {
        return withBody("POST", path, body);
    }

    /** PUTs {@code body} as JSON. */
    JsonNode put(String path, Object body) {
        return withBody("PUT", path, body);
    }

    /** PATCHes {@code body} as JSON. */
    JsonNode patch(String path, Object body) {
        return withBody("PATCH", path, body);
    }

    private JsonNode withBody(String method, String path, Object body) {
        HttpRequest.Builder request = request(path);
        if (body == null) {
            return send(request.method(method, HttpRequest.BodyPublishers.noBody()));
        }
        try {
            return send(request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the request body", e);
        }
    }

    JsonNode delete(String path) {
        return send(request(path).DELETE());
    }

    /** A field of an answer as text; {@code null} when it is absent or null. */
    static String text(JsonNode answer, String field) {
        return answer.path(field).asText(null);
    }

    /** One path segment, percent-encoded: an id typed by the operator cannot change the path. */
    static String segment(String value) {
        return encode(value).replace("+", "%20");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .header("X-API-Key", apiKey);
    }

    private JsonNode send(HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            throw unreachable("no connection within " + CONNECT_TIMEOUT.toSeconds() + " seconds");
        } catch (HttpTimeoutException e) {
            throw new CommandFailure("the server at " + where() + " did not answer within "
                    + REQUEST_TIMEOUT.toSeconds() + " seconds");
        } catch (ConnectException e) {
            throw unreachable(hasCause(e, UnresolvedAddressException.class) ? "unknown host" : "connection refused");
        } catch (SSLException e) {
            throw new CommandFailure("TLS with " + where() + " failed: " + e.getMessage());
        } catch (IOException e) {
            throw new CommandFailure("cannot talk to the server at " + where() + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure("interrupted");
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() / 100 == 2) {
            if (body == null) {
                throw notLatchkey(response);
            }
            return body;
        }
        // The admin API's error body (SPEC §2): {"code","message","error"}.
        if (body != null && body.hasNonNull("message") && body.hasNonNull("error")) {
            throw new CommandFailure(body.get("message").asText() + " (" + body.get("error").asText() + ")");
        }
        throw notLatchkey(response);
    }

    private CommandFailure unreachable(String why) {
        return new CommandFailure("cannot reach the server at " + where() + " (" + why
                + "); is it running, and are --url or LATCHKEY_URL right?");
    }

    private CommandFailure notLatchkey(HttpResponse<String> response) {
        return new CommandFailure("the server at " + where() + " answered HTTP " + response.statusCode()
                + " without a Latchkey answer; does --url name a Latchkey server?");
    }

    /** Scheme, host and port: never a user-info part of the URL, which may hold a password. */
    private String where() {
        return base.getScheme() + "://" + base.getHost() + (base.getPort() < 0 ? "" : ":" + base.getPort());
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }
}
