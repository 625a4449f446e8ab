package io.latchkey.client;

import java.util.Set;

/**
 * A {@link TokenVerifier} refused a token, for one {@link Reason}, which also says how to answer
 * the caller: {@link #httpStatus()} and the RFC 6750 §3 {@code WWW-Authenticate} challenge
 * ({@link #wwwAuthenticate(String)}). The message never holds the token.
 */
public final class TokenRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a token was refused. Each maps to one status and RFC 6750 §3.1 error code. */
    public enum Reason {
        /** No bearer token at all: RFC 6750 §3.1 says to answer 401 without an error code. */
        MISSING_TOKEN(401, null, "No bearer token was presented."),
        MALFORMED(401, "invalid_token", "The token is not a well-formed signed JWT access token."),
        /** {@code alg: none}, an algorithm this verifier does not accept, or one that does not match the key. */
        UNSUPPORTED_ALGORITHM(401, "invalid_token", "The token's signature algorithm is not accepted."),
        /** Its {@code kid} names no key the server publishes, even after looking again. */
        UNKNOWN_KEY(401, "invalid_token", "The token was signed by an unknown key."),
        BAD_SIGNATURE(401, "invalid_token", "The token's signature is not valid."),
        /** Not {@code typ: at+jwt} (RFC 9068 §2.1): a refresh token, or some other JWT. */
        WRONG_TYPE(401, "invalid_token", "The token is not an access token."),
        WRONG_ISSUER(401, "invalid_token", "The token was issued by another authorization server."),
        WRONG_AUDIENCE(401, "invalid_token", "The token is meant for another audience."),
        EXPIRED(401, "invalid_token", "The token has expired."),
        NOT_YET_VALID(401, "invalid_token", "The token is not valid yet."),
        /** Introspection (RFC 7662) says it is no longer active: revoked, or its client deleted. */
        REVOKED(401, "invalid_token", "The token is no longer active."),
        /**
         * RFC 8705 §3: the token is bound to a client certificate ({@code cnf.x5t#S256}) and the
         * request came without it, or with another.
         */
        CERTIFICATE_MISMATCH(401, "invalid_token", "The token is bound to a client certificate this request did not present."),
        /** RFC 9449 §7.1: a DPoP-bound token presented as a bearer token, without its proof. */
        DPOP_BOUND(401, "invalid_token", "The token is DPoP-bound: present it with Authorization: DPoP and a proof."),
        /** RFC 9449 §7.1: the DPoP proof is missing, malformed, replayed, or not for this request, token or key. */
        INVALID_DPOP_PROOF(401, "invalid_dpop_proof", "The DPoP proof is not valid for this request and token."),
        /** RFC 6750 §3.1: a valid token without a scope the resource requires. */
        INSUFFICIENT_SCOPE(403, "insufficient_scope", "The token lacks a scope this resource requires."),
        /** The keys or the introspection endpoint could not be reached: the token could not be checked. */
        UNAVAILABLE(503, null, "The authorization server could not be reached to check the token.");

        private final int httpStatus;
        private final String bearerError;
        private final String description;

        Reason(int httpStatus, String bearerError, String description) {
            this.httpStatus = httpStatus;
            this.bearerError = bearerError;
            this.description = description;
        }

        public int httpStatus() {
            return httpStatus;
        }

        /** The RFC 6750 §3.1 {@code error} code, or {@code null} where none applies. */
        public String bearerError() {
            return bearerError;
        }

        public String description() {
            return description;
        }
    }

    private final Reason reason;
    private final Set<String> requiredScopes;

    public TokenRejectedException(Reason reason) {
        this(reason, Set.of());
    }

    public TokenRejectedException(Reason reason, Set<String> requiredScopes) {
        super(reason.description());
        this.reason = reason;
        this.requiredScopes = Set.copyOf(requiredScopes);
    }

    /** A refusal because something failed on the way ({@link Reason#UNAVAILABLE}): {@code cause} says what. */
    public TokenRejectedException(Reason reason, Throwable cause) {
        super(reason.description(), cause);
        this.reason = reason;
        this.requiredScopes = Set.of();
    }

    public Reason reason() {
        return reason;
    }

    public int httpStatus() {
        return reason.httpStatus();
    }

    /**
     * The {@code WWW-Authenticate} value to answer with (RFC 6750 §3), e.g.
     * {@code Bearer realm="orders", error="invalid_token", error_description="The token has expired."};
     * for {@link Reason#INSUFFICIENT_SCOPE} it names the scopes needed.
     */
    public String wwwAuthenticate(String realm) {
        if (reason == Reason.INVALID_DPOP_PROOF) {
            // RFC 9449 §7.1: the DPoP scheme's challenge, with the algorithms a proof may use.
            return "DPoP realm=\"" + realm + "\", error=\"invalid_dpop_proof\", error_description=\""
                    + reason.description() + "\", algs=\"" + io.latchkey.client.internal.DpopProofCheck.algorithms() + "\"";
        }
        StringBuilder challenge = new StringBuilder("Bearer realm=\"").append(realm).append('"');
        if (reason.bearerError() != null) {
            challenge.append(", error=\"").append(reason.bearerError()).append('"')
                    .append(", error_description=\"").append(reason.description()).append('"');
        }
        if (reason == Reason.INSUFFICIENT_SCOPE && !requiredScopes.isEmpty()) {
            challenge.append(", scope=\"").append(String.join(" ", requiredScopes.stream().sorted().toList()))
                    .append('"');
        }
        return challenge.toString();
    }

    /** Stack traces cost more than a verification; a refusal is an answer, not a bug. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
