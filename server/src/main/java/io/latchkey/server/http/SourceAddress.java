package io.latchkey.server.http;

import io.latchkey.server.config.AddressRange;
import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.List;
import java.util.Set;

/**
 * Where a request comes from, for the rate limiter and the audit log: the direct peer, unless the
 * peer is a trusted proxy ({@code LATCHKEY_TRUSTED_PROXIES}, addresses or CIDR ranges). Then
 * {@code X-Forwarded-For} is read, every line of it joined in order (RFC 9110 §5.3), and the
 * right-most hop that is not itself a trusted proxy is the source: each proxy appends the address
 * it saw, so hops to the left of the last untrusted one are whatever the client chose to send.
 * Hops that are not IP literals are never believed, and one of them ends the walk at the
 * address to its right (RFC 7239's concern: trust a forwarded address only from a proxy we put
 * there ourselves). The answer is always a canonical IP literal, so it is short and safe to log.
 */
final class SourceAddress {
    private static final String UNKNOWN = "unknown";
    private final List<AddressRange> trustedProxies;

    SourceAddress(Set<String> trustedProxies) {
        this.trustedProxies = trustedProxies.stream().map(AddressRange::parse).toList();
    }

    String of(HttpServerRequest request) {
        SocketAddress remote = request.remoteAddress();
        String host = remote == null ? null : remote.hostAddress();
        if (trustedProxies.isEmpty()) {
            // Nothing forwarded is believed: the peer's address as the socket gives it, which is an
            // IP literal already: no parsing on the token path.
            return host == null ? UNKNOWN : host;
        }
        byte[] peer = host == null ? null : AddressRange.literal(host);
        if (peer == null) {
            return UNKNOWN;
        }
        if (!isTrusted(peer)) {
            return NetUtil.bytesToIpAddress(peer);
        }
        List<String> lines = request.headers().getAll("X-Forwarded-For");
        byte[] source = peer;
        if (!lines.isEmpty()) {
            String[] hops = String.join(",", lines).split(",");
            for (int i = hops.length - 1; i >= 0; i--) {
                String hop = hops[i].trim();
                if (hop.isEmpty()) {
                    continue;
                }
                byte[] address = AddressRange.literal(hop);
                if (address == null) {
                    break; // not an address: stop at the last hop a trusted proxy vouched for
                }
                source = address;
                if (!isTrusted(address)) {
                    break;
                }
            }
        }
        return NetUtil.bytesToIpAddress(source);
    }

    private boolean isTrusted(byte[] address) {
        for (AddressRange range : trustedProxies) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
