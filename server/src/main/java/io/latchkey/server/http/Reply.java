package io.latchkey.server.http;

/**
 * A successful answer: status and JSON body ({@code null} for none; a {@code Buffer} is JSON
 * already written, anything else is written by the mapper). {@code noStore} marks an
 * answer that carries a secret or a token (RFC 6749 §5.1: {@code Cache-Control: no-store}).
 */
record Reply(int status, Object body, boolean noStore) {
    static Reply ok(Object body) {
        return new Reply(200, body, false);
    }

    static Reply created(Object body) {
        return new Reply(201, body, false);
    }

    Reply withNoStore() {
        return new Reply(status, body, true);
    }
}
