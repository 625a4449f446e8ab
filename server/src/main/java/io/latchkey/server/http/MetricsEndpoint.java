package io.latchkey.server.http;

import io.latchkey.core.error.LatchkeyException;
import io.latchkey.server.metrics.LatchkeyMetrics;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * {@code GET /metrics}: every meter in the Prometheus text format, open unless a metrics token is
 * configured, in which case the scraper sends it as {@code Authorization: Bearer <token>}. The
 * exposition is rendered on a worker: it walks every meter, which is no work for an event loop.
 */
final class MetricsEndpoint {
    private final LatchkeyMetrics metrics;
    private final byte[] tokenDigest;
    private final Vertx vertx;

    MetricsEndpoint(LatchkeyMetrics metrics, String token, Vertx vertx) {
        this.metrics = metrics;
        this.tokenDigest = token == null ? null : sha256(token);
        this.vertx = vertx;
    }

    void handle(RoutingContext ctx) {
        if (tokenDigest != null) {
            // Guessing the metrics token is rate limited like any other credential (SPEC §2's 429).
            AuthAttempts.check(ctx, "metrics");
            if (!authorized(ctx.request().getHeader("Authorization"))) {
                AuthAttempts.charge(ctx, LatchkeyException.invalidToken("wrong metrics token"));
                Responses.sendMetricsUnauthorized(ctx);
                return;
            }
        }
        vertx.executeBlocking(RequestObserver.traced(ctx, metrics::scrape), false).onComplete(result -> {
            String previous = RequestObserver.enter(ctx);
            try {
                if (result.succeeded()) {
                    Responses.sendMetrics(ctx, result.result());
                } else {
                    Responses.sendError(ctx, ErrorStyle.PIPELINE, result.cause());
                }
            } finally {
                RequestObserver.exit(previous);
            }
        });
    }

    /** Compares digests, in constant time, so that neither content nor length leaks through timing. */
    private boolean authorized(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(sha256(authorization.substring(7).trim()), tokenDigest);
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
