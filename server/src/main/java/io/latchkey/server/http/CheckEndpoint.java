package io.latchkey.server.http;

import io.latchkey.core.dpop.DpopProofVerifier;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.token.Confirmation;
import io.latchkey.core.token.TokenClaims;
import io.latchkey.core.token.TokenIntrospection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /oauth2/check} (SPEC §8), any method and any path below it: may this request through?
 * For gateways (nginx {@code auth_request}, Traefik {@code forwardAuth}, Envoy {@code ext_authz},
 * Caddy {@code forward_auth}), which forward the request's {@code Authorization} and name the
 * audience and scopes it needs. It answers 200 with the token's {@code X-Latchkey-*} headers, 401
 * or 403 with an RFC 6750 §3 challenge, and never a body.
 *
 * <p>No caller authenticates, and nothing here reads the store for a cached client: the signature,
 * the revocation list and the client cache are all in memory, so a check of a cached client runs
 * on the event loop. A client not in the cache (another instance created it, or the cache was
 * dropped), or a revocation list gone stale with the change feed, is read on a worker, so the
 * check refuses exactly what introspection refuses.
 */
final class CheckEndpoint {
    static final String CLIENT_ID = "X-Latchkey-Client-Id";
    static final String PARTNER_ID = "X-Latchkey-Partner-Id";
    static final String SCOPE = "X-Latchkey-Scope";
    static final String SUBJECT = "X-Latchkey-Subject";
    static final String AUDIENCE = "X-Latchkey-Audience";
    private static final String BEARER = "Bearer ";
    private static final String DPOP = "DPoP ";
    // RFC 6750 §3 and §3.1: no error code when the request carried no token at all.
    private static final String NO_TOKEN = "Bearer realm=\"latchkey\"";
    private static final String INVALID_TOKEN = "Bearer realm=\"latchkey\", error=\"invalid_token\"";
    private static final String INSUFFICIENT_SCOPE = "Bearer realm=\"latchkey\", error=\"insufficient_scope\"";

    /** RFC 9449 §7.1: the challenge of a DPoP request whose proof did not check out, beside Bearer's. */
    private static final String INVALID_DPOP_PROOF = "DPoP realm=\"latchkey\", error=\"invalid_dpop_proof\", algs=\""
            + DpopProofVerifier.names() + "\"";
    private static final String CHECK_PATH = "/oauth2/check";

    private final TokenIntrospection tokens;
    private final Operations operations;
    private final DpopProofVerifier dpop;

    CheckEndpoint(TokenIntrospection tokens, Operations operations, DpopProofVerifier dpop) {
        this.tokens = tokens;
        this.operations = operations;
        this.dpop = dpop;
    }

    void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !hasScheme(authorization, BEARER) && !hasScheme(authorization, DPOP)) {
            refuse(ctx, ErrorCode.INVALID_TOKEN, NO_TOKEN);
            return;
        }
        boolean dpopScheme = hasScheme(authorization, DPOP);
        String token = authorization.substring(dpopScheme ? DPOP.length() : BEARER.length()).trim();
        // Signature, typ (so never a refresh token), iss, exp.
        Optional<TokenClaims> verified = tokens.verifyAccessToken(token);
        if (verified.isEmpty()) {
            refuse(ctx, ErrorCode.INVALID_TOKEN, INVALID_TOKEN);
            return;
        }
        TokenClaims claims = verified.get();
        // Where a bound token's binding (a DPoP proof, an mTLS certificate thumbprint) is checked.
        Confirmation binding = claims.confirmation();
        if (binding != null && binding.certificateBound()
                && !ClientCertificates.forwardedMatches(ctx, binding.x5tS256())) {
            // RFC 8705 §3: a certificate-bound token counts only with its certificate, forwarded by
            // the gateway in LATCHKEY_TLS_CLIENT_CERT_HEADER.
            refuse(ctx, ErrorCode.INVALID_TOKEN, INVALID_TOKEN);
            return;
        }
        if (claims.jkt() != null || dpopScheme) {
            // RFC 9449 §7.1: a DPoP-bound token comes only with the DPoP scheme and a proof of the
            // original request, by the key it is bound to; a bearer token never with the DPoP scheme.
            if (!dpopScheme || claims.jkt() == null) {
                refuse(ctx, ErrorCode.INVALID_TOKEN, INVALID_TOKEN);
                return;
            }
            if (!proofHolds(request, token, claims.jkt())) {
                refuse(ctx, ErrorCode.INVALID_TOKEN, INVALID_TOKEN, INVALID_DPOP_PROOF);
                return;
            }
        }
        // Revocations and the client: in memory on the event loop, unless the revocation list is
        // stale or the client not cached, which read the store on a worker.
        operations.compute(ctx, tokens.answersInMemory(claims), () -> tokens.isActive(claims),
                active -> answer(ctx, claims, active));
    }

    private static void answer(RoutingContext ctx, TokenClaims claims, boolean active) {
        if (!active) {
            refuse(ctx, ErrorCode.INVALID_TOKEN, INVALID_TOKEN);
            return;
        }
        HttpServerRequest request = ctx.request();
        if (!hasAudience(claims.audience(), either(request.getParam("aud"), request.getHeader(AUDIENCE)))
                || !hasScopes(claims.scope().values(), either(request.getParam("scope"), request.getHeader(SCOPE)))) {
            refuse(ctx, ErrorCode.INSUFFICIENT_SCOPE, INSUFFICIENT_SCOPE);
            return;
        }
        HttpServerResponse response = ctx.response();
        response.putHeader("Cache-Control", "no-store") // a cached 200 would outlive a revocation
                .putHeader(CLIENT_ID, claims.clientId())
                .putHeader(SUBJECT, claims.subject())
                .putHeader(SCOPE, claims.scope().spaceDelimited());
        if (claims.partnerId() != null) {
            response.putHeader(PARTNER_ID, claims.partnerId());
        }
        RequestObserver.authenticated(ctx, claims.clientId());
        response.end();
    }

    /**
     * Whether the request's one {@code DPoP} proof is for the original request (SPEC §8: {@code
     * X-Forwarded-Method}, {@code X-Forwarded-Uri} under {@code X-Forwarded-Proto} and {@code
     * X-Forwarded-Host}; each, when missing, this request's own), carries the token's hash and is
     * signed by the key the token is bound to (RFC 9449 §4.3, §7.1).
     */
    private boolean proofHolds(HttpServerRequest request, String token, String jkt) {
        List<String> proofs = request.headers().getAll(DpopProofs.HEADER);
        if (proofs.size() != 1) {
            return false;
        }
        String method = either(request.getHeader("X-Forwarded-Method"), request.method().name());
        String proto = either(request.getHeader("X-Forwarded-Proto"), request.isSSL() ? "https" : "http");
        String host = either(request.getHeader("X-Forwarded-Host"), request.authority() == null ? null
                : request.authority().toString());
        String uri = request.getHeader("X-Forwarded-Uri");
        if (uri == null) {
            // A gateway that appends the original path to the check's (Envoy's path_prefix).
            String path = request.path();
            uri = path.length() > CHECK_PATH.length() ? path.substring(CHECK_PATH.length()) : "/";
        }
        if (host == null || !uri.startsWith("/")) {
            return false;
        }
        try {
            return jkt.equals(dpop.verify(proofs.get(0), method, proto + "://" + host + uri, token, false).jkt());
        } catch (LatchkeyException refused) {
            return false;
        }
    }

    /** The one place the check answers a refusal: the status and challenges of {@code code}, no body. */
    private static void refuse(RoutingContext ctx, ErrorCode code, String... challenges) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        RequestObserver.failed(ctx, code);
        response.setStatusCode(code.status());
        for (String challenge : challenges) {
            response.headers().add("WWW-Authenticate", challenge);
        }
        response.putHeader("Cache-Control", "no-store").end();
    }

    private static boolean hasScheme(String authorization, String scheme) {
        return authorization.regionMatches(true, 0, scheme, 0, scheme.length()); // RFC 9110 §11.1: case-insensitive
    }

    /** The query parameter when given, else the header. */
    private static String either(String query, String header) {
        return query != null ? query : header;
    }

    /** No audience asked for, or one the token was issued for. */
    private static boolean hasAudience(List<String> audience, String required) {
        if (required == null || required.isBlank()) {
            return true;
        }
        return audience != null && audience.contains(required.trim());
    }

    /** Every space-separated scope of {@code required} is among the token's. */
    private static boolean hasScopes(Set<String> granted, String required) {
        if (required == null) {
            return true;
        }
        int start = 0;
        int length = required.length();
        while (start < length) {
            int end = required.indexOf(' ', start);
            if (end < 0) {
                end = length;
            }
            if (end > start && !granted.contains(required.substring(start, end))) {
                return false;
            }
            start = end + 1;
        }
        return true;
    }
}
