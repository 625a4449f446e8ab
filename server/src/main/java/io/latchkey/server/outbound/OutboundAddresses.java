package io.latchkey.server.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Which addresses the server may send a request to on a client's say-so (a {@code jwksUri}): a
 * server-side request forgery guard. Refused: the unspecified, link-local (where cloud metadata
 * services answer), private (RFC 1918, RFC 4193), shared (RFC 6598), multicast and reserved
 * ranges, and loopback unless the URL itself names a loopback host (SPEC §7) — a public name that
 * resolves to {@code 127.0.0.1} is not a way in to the machine's own services.
 */
final class OutboundAddresses {
    private OutboundAddresses() {
    }

    /** Whether {@code address} may be connected to; {@code loopbackNamed}: the URL names a loopback host. */
    static boolean permitted(InetAddress address, boolean loopbackNamed) {
        if (address.isLoopbackAddress()) {
            return loopbackNamed;
        }
        if (address.isAnyLocalAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
                || address.isMulticastAddress()) {
            return false;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address) {
            if ((bytes[0] & 0xfe) == 0xfc) {
                return false; // fc00::/7, unique local (RFC 4193)
            }
            if (isIpv4Mapped(bytes)) {
                byte[] v4 = java.util.Arrays.copyOfRange(bytes, 12, 16);
                try {
                    return permitted(InetAddress.getByAddress(v4), loopbackNamed);
                } catch (java.net.UnknownHostException e) {
                    return false;
                }
            }
            return true;
        }
        if (address instanceof Inet4Address) {
            int first = bytes[0] & 0xff;
            int second = bytes[1] & 0xff;
            return first != 0 // 0.0.0.0/8, "this network"
                    && !(first == 100 && second >= 64 && second < 128) // 100.64.0.0/10, shared (RFC 6598)
                    && !(first == 192 && second == 0 && (bytes[2] & 0xff) == 0) // 192.0.0.0/24, IETF protocol
                    && !(first == 198 && (second == 18 || second == 19)) // 198.18.0.0/15, benchmarking
                    && first < 240; // 240.0.0.0/4 reserved, and the broadcast address
        }
        return false;
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff;
    }
}
