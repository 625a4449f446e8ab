package io.latchkey.core.error;

/**
 * Every way a Latchkey operation can fail, with the machine code and HTTP status the edge
 * answers with. The codes are those of RFC 6749 §5.2 where one fits, and the SPEC's own
 * (`invalid_api_key`, `not_found`, …) where none does.
 */
public enum ErrorCode {
    INVALID_REQUEST("invalid_request", 400),
    INVALID_CLIENT("invalid_client", 401),
    INVALID_GRANT("invalid_grant", 400),
    INVALID_SCOPE("invalid_scope", 400),
    /** RFC 8707 §2: the {@code resource} is not one the client may ask a token for. */
    INVALID_TARGET("invalid_target", 400),
    UNSUPPORTED_GRANT_TYPE("unsupported_grant_type", 400),
    /** RFC 9449 §5 and §7.1: a DPoP proof that is missing where required, malformed or wrong. */
    INVALID_DPOP_PROOF("invalid_dpop_proof", 400),
    /** RFC 9449 §8: the proof must carry the nonce this server gives in {@code DPoP-Nonce}. */
    USE_DPOP_NONCE("use_dpop_nonce", 400),
    INVALID_API_KEY("invalid_api_key", 401),
    /** RFC 6750 §3.1: a bearer token that is missing, malformed or wrong. */
    INVALID_TOKEN("invalid_token", 401),
    /** RFC 6750 §3.1: a valid token without the audience or scopes the request needs. */
    INSUFFICIENT_SCOPE("insufficient_scope", 403),
    /** RFC 9110 §15.5.4: a valid API key whose role does not allow the request. */
    FORBIDDEN("forbidden", 403),
    NOT_FOUND("not_found", 404),
    METHOD_NOT_ALLOWED("method_not_allowed", 405),
    /** What a request would create exists already (an API's identifier). */
    CONFLICT("conflict", 409),
    REQUEST_TOO_LARGE("request_too_large", 413),
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415),
    TOO_MANY_REQUESTS("too_many_requests", 429),
    SERVER_ERROR("server_error", 500),
    TEMPORARILY_UNAVAILABLE("temporarily_unavailable", 503);

    private final String code;
    private final int status;

    ErrorCode(String code, int status) {
        this.code = code;
        this.status = status;
    }

    /** The machine-readable code, e.g. {@code invalid_grant}. */
    public String code() {
        return code;
    }

    /** The HTTP status this error is answered with. */
    public int status() {
        return status;
    }
}
