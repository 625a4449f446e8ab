package io.latchkey.server.http;

import io.latchkey.core.auth.Caller;
import io.latchkey.core.auth.ClientAuthentication;
import io.latchkey.core.auth.Credential;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.server.metrics.LatchkeyMetrics;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * {@code GET /metrics}: every meter in the Prometheus text format, open unless a metrics token is
 * configured, in which case the scraper sends it as {@code Authorization: Bearer <token>}, and
 * guessing it is rate limited like any other credential. The exposition is rendered on a worker:
 * it walks every meter, which is no work for an event loop.
 */
final class MetricsEndpoint {
    private final LatchkeyMetrics metrics;
    private final boolean tokenRequired;
    private final Operations operations;

    MetricsEndpoint(LatchkeyMetrics metrics, String token, Operations operations) {
        this.metrics = metrics;
        this.tokenRequired = token != null;
        this.operations = operations;
    }

    void handle(RoutingContext ctx) {
        if (tokenRequired) {
            var attempt = FrontDoor.begin(ctx, Credentials.METRICS_TOKEN, RequestFields.NONE);
            attempt.caller(); // in memory: a digest comparison
        }
        operations.onWorker(ctx, () -> Reply.text(metrics.scrape(), "text/plain; version=0.0.4; charset=utf-8"));
    }

    /** The metrics token as a client-authentication method: compared by digest, in constant time. */
    static final class TokenAuthentication implements ClientAuthentication<Credential.ServiceToken> {
        private final byte[] tokenDigest;

        TokenAuthentication(String token) {
            this.tokenDigest = token == null ? null : sha256(token);
        }

        @Override
        public Class<Credential.ServiceToken> checks() {
            return Credential.ServiceToken.class;
        }

        @Override
        public boolean inMemory(Credential.ServiceToken credential) {
            return true;
        }

        @Override
        public Caller authenticate(Credential.ServiceToken credential) {
            // Digests, so that neither content nor length leaks through timing.
            if (tokenDigest == null || !MessageDigest.isEqual(sha256(credential.token()), tokenDigest)) {
                throw LatchkeyException.invalidBearerToken("GET /metrics needs Authorization: Bearer with the metrics token.");
            }
            return new Caller.Service("metrics");
        }

        private static byte[] sha256(String value) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
        }
    }
}
