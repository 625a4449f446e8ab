package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What every answer of the server is, whatever it was sent: not a 5xx, and a body that, when
 * there is one, is a JSON object with no stack trace, Java class name or library internals.
 */
final class SafeAnswers {
    /** Text of stack traces and exception messages, never of a deliberate answer. */
    static final List<String> LEAKS = List.of("Exception", "exception", "at io.", "at java.", "java.", "javax.",
            "io.latchkey", "io.vertx", "io.netty", "com.nimbusds", "com.fasterxml", "org.sqlite", "org.postgresql",
            "Caused by", "\tat ", "SQL", "sqlite");
    /**
     * Tokens, ids and secrets of a success answer are random base64url, which now and then spells
     * "SQL" or "java."; they are left out of a success body before it is searched.
     */
    private static final Pattern CREDENTIAL = Pattern.compile("[A-Za-z0-9_.-]{16,}");

    private SafeAnswers() {
    }

    /** Asserts {@code response} is a deliberate answer: below 500, and its body, if any, JSON without internals. */
    static void assertSafe(HttpResponse<String> response) {
        assertSafe(response, "");
    }

    /**
     * Asserts {@link #assertSafe(HttpResponse)}, where {@code sent} is what the request carried: a
     * word of {@link #LEAKS} that the caller sent may come back as an echo (a parameter name in an
     * error, a partner id), any other is the server's own.
     */
    static void assertSafe(HttpResponse<String> response, String sent) {
        assertSafe(response.statusCode(), response.headers().firstValue("Content-Type"), response.body(), sent,
                describe(response));
    }

    /** {@link #assertSafe(HttpResponse, String)} for an answer read by {@link RawHttp}. */
    static void assertSafe(RawHttp.Response response, String sent, String description) {
        assertSafe(response.status(), response.header("Content-Type"), response.body(), sent, description);
    }

    private static void assertSafe(int status, Optional<String> contentType, String body, String sent,
                                   String description) {
        assertThat(status).as("status of %s", description).isLessThan(500);
        if (body == null || body.isEmpty()) {
            return;
        }
        assertThat(contentType).as("content type of %s", description)
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode json;
        try {
            json = TestServer.JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + description, e);
        }
        assertThat(json != null && json.isObject()).as("a JSON object: %s", description).isTrue();
        String searched = status < 300 ? withoutCredentials(json).toString() : body;
        for (String leak : LEAKS) {
            if (!sent.contains(leak)) {
                assertThat(searched).as("the body of %s", description).doesNotContain(leak);
            }
        }
    }

    /** Asserts the body does not echo {@code secret} (a token, a secret, an API key). */
    static void assertNoEcho(HttpResponse<String> response, String secret) {
        if (response.body() != null && secret.length() >= 16) {
            assertThat(response.body()).as("the body of %s", describe(response)).doesNotContain(secret);
        }
    }

    static String describe(HttpResponse<String> response) {
        String body = response.body() == null ? "" : response.body();
        return response.request().method() + " " + response.request().uri().getRawPath() + " -> "
                + response.statusCode() + " " + (body.length() > 500 ? body.substring(0, 500) + "…" : body);
    }

    private static JsonNode withoutCredentials(JsonNode node) {
        JsonNode copy = node.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            List<String> names = new java.util.ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode value = object.get(name);
                if (value.isTextual() && CREDENTIAL.matcher(value.textValue()).matches()) {
                    object.put(name, "…");
                } else {
                    strip(value);
                }
            }
        } else if (node.isArray()) {
            node.forEach(SafeAnswers::strip);
        }
    }
}
