package io.latchkey.server.http;

import io.latchkey.core.error.ErrorCode;
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

    private final TokenIntrospection tokens;
    private final Operations operations;

    CheckEndpoint(TokenIntrospection tokens, Operations operations) {
        this.tokens = tokens;
        this.operations = operations;
    }

    void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !hasScheme(authorization, BEARER) && !hasScheme(authorization, DPOP)) {
            refuse(ctx, ErrorCode.INVALID_TOKEN, NO_TOKEN);
            return;
        }
        if (hasScheme(authorization, DPOP)) {
            // RFC 9449 §7.1: the DPoP scheme presents a DPoP-bound token with a proof of this very
            // request (X-Forwarded-Method, X-Forwarded-Uri under X-Forwarded-Proto/-Host). Until
            // this server issues bound tokens it has no proof to check, so it accepts none.
            refuse(ctx, ErrorCode.INVALID_TOKEN, INVALID_TOKEN);
            return;
        }
        // Signature, typ (so never a refresh token), iss, exp.
        Optional<TokenClaims> verified = tokens.verifyAccessToken(authorization.substring(BEARER.length()).trim());
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

    /** The one place the check answers a refusal: the status and challenge of {@code code}, no body. */
    private static void refuse(RoutingContext ctx, ErrorCode code, String challenge) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        RequestObserver.failed(ctx, code);
        response.setStatusCode(code.status())
                .putHeader("WWW-Authenticate", challenge)
                .putHeader("Cache-Control", "no-store")
                .end();
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
