package io.latchkey.server.transport;

import io.latchkey.server.config.AddressRange;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many connections are open, in all and per source address, across every event loop. A
 * connection is admitted when it opens and released when it closes; one that would pass either
 * limit is not admitted. Trusted proxies are held to the total only: every partner behind one
 * arrives from its address.
 *
 * <p>Invariant: the table holds an address only while it has an admitted connection open, so it
 * never has more entries than the total limit. Both counts are changed once per connection,
 * never per request.
 */
public final class ConnectionLimits {
    private final int max;
    private final int maxPerAddress;
    private final List<AddressRange> unlimitedAddresses;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> openByAddress = new ConcurrentHashMap<>();

    public ConnectionLimits(int max, int maxPerAddress, Set<String> unlimitedAddresses) {
        if (max < 1 || maxPerAddress < 1) {
            throw new IllegalArgumentException("connection limits must be at least 1");
        }
        this.max = max;
        this.maxPerAddress = maxPerAddress;
        this.unlimitedAddresses = unlimitedAddresses.stream().map(AddressRange::parse).toList();
    }

    /** Counts a new connection from {@code address}, or says no (and counts nothing). */
    boolean admit(String address) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            return false;
        }
        if (isUnlimited(address)) {
            return true;
        }
        boolean[] admitted = {false};
        openByAddress.compute(address, (key, count) -> {
            int current = count == null ? 0 : count;
            if (current >= maxPerAddress) {
                return count;
            }
            admitted[0] = true;
            return current + 1;
        });
        if (!admitted[0]) {
            open.decrementAndGet();
        }
        return admitted[0];
    }

    /** Forgets a connection that {@link #admit} counted, once it has closed. */
    void release(String address) {
        open.decrementAndGet();
        if (!isUnlimited(address)) {
            openByAddress.computeIfPresent(address, (key, count) -> count == 1 ? null : count - 1);
        }
    }

    /** Whether {@code address} is a trusted proxy's: an address or CIDR range of LATCHKEY_TRUSTED_PROXIES. */
    private boolean isUnlimited(String address) {
        if (unlimitedAddresses.isEmpty()) {
            return false;
        }
        byte[] literal = AddressRange.literal(address);
        for (AddressRange range : unlimitedAddresses) {
            if (range.contains(literal)) {
                return true;
            }
        }
        return false;
    }

    /** Connections open now. */
    public int open() {
        return open.get();
    }
}
