package io.latchkey.server.config;

import io.latchkey.core.auth.CallerAuthentication;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client's {@code allowedSources} (SPEC §10): CIDR blocks read as {@link AddressRange}s, the
 * same type {@code LATCHKEY_TRUSTED_PROXIES} is read as, and matched against the source address
 * the rate limiter counts. Parsed lists are kept by their text, so a client's check parses
 * nothing after its first.
 */
public final class AllowedSources implements CallerAuthentication.SourcePolicy {
    /** The most blocks one client may list. */
    public static final int MAX_BLOCKS = 100;
    private static final int MAX_CACHED = 10_000;

    private final ConcurrentHashMap<List<String>, List<AddressRange>> parsed = new ConcurrentHashMap<>();

    /**
     * The blocks of {@code text} in canonical form ({@code 10.0.0.0/8}; an address alone as
     * {@code /32} or {@code /128}).
     *
     * @throws IllegalArgumentException with a sentence naming the first entry that is no CIDR block
     */
    public static List<String> canonical(List<String> text) {
        if (text.isEmpty() || text.size() > MAX_BLOCKS) {
            throw new IllegalArgumentException("allowedSources must list 1 to " + MAX_BLOCKS
                    + " CIDR blocks (leave it out, or null, for anywhere).");
        }
        List<String> blocks = new ArrayList<>();
        for (String entry : text) {
            try {
                blocks.add(AddressRange.parse(entry).toString());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("allowedSources must be CIDR blocks such as 203.0.113.0/24 or "
                        + "2001:db8::/32; one entry is not.");
            }
        }
        return List.copyOf(blocks);
    }

    @Override
    public boolean allows(List<String> allowedSources, String source) {
        byte[] address = AddressRange.literal(source);
        if (address == null) {
            return false; // an unknown source is in no block
        }
        List<AddressRange> ranges = parsed.get(allowedSources);
        if (ranges == null) {
            if (parsed.size() >= MAX_CACHED) {
                parsed.clear();
            }
            ranges = parsed.computeIfAbsent(allowedSources, blocks -> blocks.stream().map(AddressRange::parse).toList());
        }
        for (AddressRange range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
