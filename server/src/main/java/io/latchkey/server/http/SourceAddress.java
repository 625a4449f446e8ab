package io.latchkey.server.http;

import io.vertx.core.http.HttpServerRequest;
import java.util.Set;

/**
 * Where a request comes from, for the rate limiter and the audit log: the direct peer, or the
 * address a trusted proxy forwarded in {@code X-Forwarded-For} (RFC 7239's concern: trust a
 * forwarded address only from a proxy we put there ourselves).
 */
final class SourceAddress {
    private final Set<String> trustedProxies;

    SourceAddress(Set<String> trustedProxies) {
        this.trustedProxies = Set.copyOf(trustedProxies);
    }

    String of(HttpServerRequest request) {
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
