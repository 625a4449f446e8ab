package io.latchkey.client.internal;

import java.time.Duration;
import java.util.Optional;

/**
 * The token endpoint answered an error: its HTTP status, the OAuth2 {@code error} code (RFC 6749
 * §5.2; the pipeline endpoint uses the same codes), and the server's {@code Retry-After}.
 * The message never holds a token or a secret: it is built from the status and the error code.
 */
public final class TokenEndpointException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;
    private final transient Duration retryAfter;

    public TokenEndpointException(int status, String error, Duration retryAfter) {
        super("the token endpoint answered HTTP " + status + (error == null ? "" : " " + error));
        this.status = status;
        this.error = error;
        this.retryAfter = retryAfter;
    }

    public int status() {
        return status;
    }

    public Optional<String> error() {
        return Optional.ofNullable(error);
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public boolean isError(String code) {
        return code.equals(error);
    }

    /** Worth another try: the server is failing or busy (5xx, 429), not refusing us. */
    public boolean retryable() {
        return status >= 500 || status == 429;
    }
}
