package io.latchkey.server.http;

/**
 * A successful answer: status and body ({@code null} for none; a {@code Buffer} is written
 * already, anything else is written as JSON by the mapper), of {@code contentType}.
 * {@code noStore} marks an answer that carries a secret or a token (RFC 6749 §5.1:
 * {@code Cache-Control: no-store}).
 */
record Reply(int status, Object body, boolean noStore, String contentType) {
    static final String JSON = "application/json";

    Reply(int status, Object body, boolean noStore) {
        this(status, body, noStore, JSON);
    }

    /** A 200 whose body is text of {@code contentType}, never cached (it says what is now). */
    static Reply text(String body, String contentType) {
        return new Reply(200, io.vertx.core.buffer.Buffer.buffer(body), true, contentType);
    }

    static Reply ok(Object body) {
        return new Reply(200, body, false);
    }

    static Reply created(Object body) {
        return new Reply(201, body, false);
    }

    Reply withNoStore() {
        return new Reply(status, body, true, contentType);
    }
}
