package io.latchkey.client;

/**
 * A {@link TokenSource} could not produce a token: the server stayed unreachable or failing through
 * every retry, answered something unusable, or the wait for another thread's request timed out.
 * Worth trying again later. Its message never holds a token or a secret.
 */
public class TokenSourceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TokenSourceException(String message, Throwable cause) {
        super(message, cause);
    }

    public TokenSourceException(String message) {
        super(message);
    }
}
