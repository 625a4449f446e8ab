package io.latchkey.server.config;

import io.netty.util.NetUtil;
import java.util.Arrays;

/**
 * An IP address or a CIDR range of them ({@code 10.0.0.0/8}, {@code fd00::/8},
 * {@code 203.0.113.7}), as {@code LATCHKEY_TRUSTED_PROXIES} lists proxies. Only literals: nothing
 * here ever asks DNS.
 */
public record AddressRange(byte[] network, int prefixLength) {
    public AddressRange {
        if (network.length != 4 && network.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes");
        }
        if (prefixLength < 0 || prefixLength > network.length * 8) {
            throw new IllegalArgumentException("prefix length out of range");
        }
        network = masked(network, prefixLength);
    }

    /**
     * Parses {@code text}: an IPv4 or IPv6 literal, optionally with {@code /prefix}.
     *
     * @throws IllegalArgumentException with a sentence naming the entry, when it is neither
     */
    public static AddressRange parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        byte[] address = literal(slash < 0 ? trimmed : trimmed.substring(0, slash));
        if (address == null) {
            throw new IllegalArgumentException("'" + printable(trimmed) + "' in LATCHKEY_TRUSTED_PROXIES is not an IP "
                    + "address or CIDR range (such as 10.0.0.5, 10.0.0.0/8 or fd00::/8)");
        }
        int prefix = address.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > address.length * 8) {
                throw new IllegalArgumentException("'" + printable(trimmed) + "' in LATCHKEY_TRUSTED_PROXIES has a prefix "
                        + "length outside 0-" + address.length * 8);
            }
        }
        return new AddressRange(address, prefix);
    }

    /** The bytes of an IP literal (an IPv4-mapped IPv6 address as IPv4), or null for anything else. */
    public static byte[] literal(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) {
            return null;
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
        if (bytes != null && bytes.length == 16 && isIpv4Mapped(bytes)) {
            return Arrays.copyOfRange(bytes, 12, 16);
        }
        return bytes;
    }

    /** Whether {@code address} (4 or 16 bytes) lies in this range. */
    public boolean contains(byte[] address) {
        return address != null && address.length == network.length
                && Arrays.equals(masked(address, prefixLength), network);
    }

    private static byte[] masked(byte[] address, int prefixLength) {
        byte[] masked = address.clone();
        for (int bit = prefixLength; bit < masked.length * 8; bit++) {
            masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return masked;
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    private static String printable(String text) {
        String cleaned = text.replaceAll("[^\\x20-\\x7E]", "?");
        return cleaned.length() > 60 ? cleaned.substring(0, 60) + "…" : cleaned;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AddressRange range && range.prefixLength == prefixLength
                && Arrays.equals(range.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        return NetUtil.bytesToIpAddress(network) + "/" + prefixLength;
    }
}
