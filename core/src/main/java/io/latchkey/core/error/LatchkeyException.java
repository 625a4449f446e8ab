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
    private final long retryAfterSeconds;
    private final boolean failedAuthentication;

    public LatchkeyException(ErrorCode error, String message) {
        this(error, message, 0, false);
    }

    private LatchkeyException(ErrorCode error, String message, long retryAfterSeconds, boolean failedAuthentication) {
        super(message, null, false, false);
        this.error = error;
        this.retryAfterSeconds = retryAfterSeconds;
        this.failedAuthentication = failedAuthentication;
    }

    /**
     * Whether this failure is a presented credential that did not check out (a wrong secret or
     * API key, a forged or expired refresh token): what rate limiting counts as a guess.
     */
    public boolean failedAuthentication() {
        return failedAuthentication;
    }

    public ErrorCode error() {
        return error;
    }

    /** For {@code too_many_requests}: how long the caller should wait (HTTP {@code Retry-After}). */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public static LatchkeyException tooManyRequests(long retryAfterSeconds) {
        return new LatchkeyException(ErrorCode.TOO_MANY_REQUESTS,
                "Too many failed attempts; retry after " + retryAfterSeconds + " seconds.", retryAfterSeconds, false);
    }

    /** A caller that authenticated but asks too often ({@code message} says what and for how long). */
    public static LatchkeyException tooManyRequests(String message, long retryAfterSeconds) {
        return new LatchkeyException(ErrorCode.TOO_MANY_REQUESTS, message, retryAfterSeconds, false);
    }

    public static LatchkeyException invalidRequest(String message) {
        return new LatchkeyException(ErrorCode.INVALID_REQUEST, message);
    }

    public static LatchkeyException invalidClient() {
        return new LatchkeyException(ErrorCode.INVALID_CLIENT, "Client authentication failed.", 0, true);
    }

    /**
     * SPEC §10: a client secret that was right but has expired: refused like a wrong one (it
     * counts as a failed attempt), with a description that tells the partner what to do.
     */
    public static LatchkeyException secretExpired(java.time.Instant expiredAt) {
        return new LatchkeyException(ErrorCode.INVALID_CLIENT, "The client secret expired at " + expiredAt
                + "; ask the operator for a new one.", 0, true);
    }

    /** SPEC §10: a client that authenticated from outside its {@code allowedSources}. */
    public static LatchkeyException sourceNotAllowed() {
        return new LatchkeyException(ErrorCode.INVALID_CLIENT,
                "The client may not authenticate from this address.", 0, true);
    }

    /** A refresh token that does not verify: forged, truncated, expired or of another server. */
    public static LatchkeyException invalidToken(String message) {
        return new LatchkeyException(ErrorCode.INVALID_GRANT, message, 0, true);
    }

    /** RFC 9449: a DPoP proof that is missing where required, malformed, replayed or for another request. */
    public static LatchkeyException invalidDpopProof(String message) {
        return new LatchkeyException(ErrorCode.INVALID_DPOP_PROOF, message);
    }

    public static LatchkeyException invalidGrant(String message) {
        return new LatchkeyException(ErrorCode.INVALID_GRANT, message);
    }

    public static LatchkeyException invalidApiKey() {
        return new LatchkeyException(ErrorCode.INVALID_API_KEY, "A valid admin API key is required.", 0, true);
    }

    /** RFC 6750 §3.1: a bearer token that opens a resource of the server itself is missing or wrong. */
    public static LatchkeyException invalidBearerToken(String message) {
        return new LatchkeyException(ErrorCode.INVALID_TOKEN, message, 0, true);
    }

    /**
     * A caller who authenticated but may not do this: not a failed authentication, so the
     * limiter does not count it as a guess.
     */
    public static LatchkeyException forbidden(String message) {
        return new LatchkeyException(ErrorCode.FORBIDDEN, message);
    }

    public static LatchkeyException notFound(String message) {
        return new LatchkeyException(ErrorCode.NOT_FOUND, message);
    }
}
