package io.latchkey.server.http;

import io.latchkey.core.audit.AuditAction;
import io.latchkey.core.audit.Auditor;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.ratelimit.FailedAttemptLimiter;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * The edge of rate limiting: who is asking (the source address, taken from
 * {@code X-Forwarded-For} only when the direct peer is a trusted proxy) and with which credential,
 * checked before a credential is tried and charged when it fails.
 */
final class AuthAttempts {
    private static final String KEY = "latchkey.authAttempts";
    private static final String CREDENTIAL = "latchkey.credential";

    private final FailedAttemptLimiter limiter;
    private final Set<String> trustedProxies;
    private final Auditor auditor;
    private final Vertx vertx;

    AuthAttempts(FailedAttemptLimiter limiter, Set<String> trustedProxies, Auditor auditor, Vertx vertx) {
        this.limiter = limiter;
        this.trustedProxies = Set.copyOf(trustedProxies);
        this.auditor = auditor;
        this.vertx = vertx;
    }

    /** Makes this instance reachable from {@code ctx} for the rest of the request. */
    void attach(RoutingContext ctx) {
        ctx.put(KEY, this);
    }

    /**
     * Refuses with 429 when the caller has failed too often, before {@code credential} is tried.
     *
     * @param credential what is about to be tried ({@code client:<id>}, {@code apikey}), or null
     */
    static void check(RoutingContext ctx, String credential) {
        AuthAttempts attempts = ctx.get(KEY);
        if (attempts != null) {
            ctx.put(CREDENTIAL, credential);
            attempts.limiter.check(attempts.address(ctx.request()), credential);
        }
    }

    /** Charges a failed authentication, if {@code failure} is one; audits the start of a lock. */
    static void charge(RoutingContext ctx, LatchkeyException failure) {
        AuthAttempts attempts = ctx.get(KEY);
        if (attempts != null && failure.failedAuthentication()) {
            String address = attempts.address(ctx.request());
            String credential = ctx.get(CREDENTIAL);
            if (attempts.limiter.recordFailure(address, credential)) {
                String clientId = credential != null && credential.startsWith("client:")
                        ? credential.substring("client:".length()) : null;
                attempts.vertx.executeBlocking(RequestObserver.traced(ctx, () -> {
                    attempts.auditor.record(AuditAction.RATE_LIMIT_LOCKED, credential == null ? "anonymous" : credential,
                            address, clientId, null);
                    return null;
                }), false);
            }
        }
    }

    /** The source address of the request, for the audit log. */
    static String source(RoutingContext ctx) {
        AuthAttempts attempts = ctx.get(KEY);
        return attempts == null ? null : attempts.address(ctx.request());
    }

    /** RFC 7239's concern: trust a forwarded address only from a proxy we put there ourselves. */
    String address(HttpServerRequest request) {
        String peer = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        if (trustedProxies.isEmpty() || !trustedProxies.contains(peer)) {
            return peer;
        }
        String forwarded = request.getHeader("X-Forwarded-For");
        if (forwarded == null) {
            return peer;
        }
        String[] hops = forwarded.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!hop.isEmpty() && !trustedProxies.contains(hop)) {
                return hop.length() > 64 ? hop.substring(0, 64) : hop;
            }
        }
        return peer;
    }
}
