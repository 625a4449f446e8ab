package io.latchkey.core.error;

/**
 * The one typed failure of every domain operation. The message is a sentence meant for the
 * caller: it never holds a secret, a token or an API key, so the edge may send it as it is.
 *
 * <p>These are expected outcomes (a wrong secret, a reused refresh token), thrown on hot paths,
 * so no stack trace is captured.
 */
public final class LatchkeyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode error;

    public LatchkeyException(ErrorCode error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    public ErrorCode error() {
        return error;
    }

    public static LatchkeyException invalidRequest(String message) {
        return new LatchkeyException(ErrorCode.INVALID_REQUEST, message);
    }

    public static LatchkeyException invalidClient() {
        return new LatchkeyException(ErrorCode.INVALID_CLIENT, "Client authentication failed.");
    }

    public static LatchkeyException invalidGrant(String message) {
        return new LatchkeyException(ErrorCode.INVALID_GRANT, message);
    }

    public static LatchkeyException invalidApiKey() {
        return new LatchkeyException(ErrorCode.INVALID_API_KEY, "A valid admin API key is required.");
    }

    public static LatchkeyException notFound(String message) {
        return new LatchkeyException(ErrorCode.NOT_FOUND, message);
    }
}
