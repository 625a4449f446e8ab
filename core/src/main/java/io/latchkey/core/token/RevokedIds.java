package io.latchkey.core.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.concurrent.locks.StampedLock;

/**
 * A set of revoked token or family ids, each with the second after which it may be forgotten:
 * what {@link RevocationList} holds in memory, in as few bytes as an id allows.
 *
 * <p>Every id Latchkey mints ends in 128 random bits, base64url encoded (22 characters; a token id
 * has a 10-character time prefix before them, see {@code SecretGenerator}), so an entry is those
 * 128 bits as two {@code long}s and its expiry as an unsigned {@code int} of epoch seconds:
 * 20 bytes a slot in primitive arrays, instead of a {@code String}, an {@code Instant} and a map
 * node (about 150 bytes). Any other id (none is minted today) is keyed by the first 128 bits of
 * its SHA-256. Two ids share a key only if 128 random bits repeat, which never happens.
 *
 * <p>The set is {@value #SEGMENTS} segments (chosen by the key's top bits), each an open-addressing
 * table with linear probing, at most three quarters full: 20 to 53 bytes an entry, about 36 on
 * average. Segments grow and shrink one at a time, so growing never needs twice the set's memory
 * at once, and their arrays stay small enough not to be "humongous" objects of the G1 collector
 * (which would round each up to whole regions) below about ten million entries. Removal shifts the
 * rest of a run back instead of leaving tombstones, so a purge leaves a table as if the removed
 * entries had never been there.
 *
 * <p>Concurrency: lookups are on the hot path (every introspection, every refresh) and take no
 * lock: they read under their segment's {@link StampedLock} optimistic stamp and read again under
 * the read lock only if a writer intervened. Writes (a revocation, a purge) take the segment's
 * write lock. A lookup reads one {@link Table} object, whose arrays always have matching lengths,
 * so a racing resize can at worst make the first read wrong, and the stamp then says so.
 */
final class RevokedIds {
    static final int SEGMENTS = 256;
    static final int MIN_CAPACITY = 16;
    private static final int MAX_CAPACITY = 1 << 26;
    private static final int RANDOM_CHARS = 22;
    private static final int TOKEN_ID_CHARS = 32;
    private static final byte[] BASE64URL = new byte[128];

    static {
        java.util.Arrays.fill(BASE64URL, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < alphabet.length(); i++) {
            BASE64URL[alphabet.charAt(i)] = (byte) i;
        }
    }

    private final Segment[] segments = new Segment[SEGMENTS];

    RevokedIds() {
        for (int i = 0; i < SEGMENTS; i++) {
            segments[i] = new Segment();
        }
    }

    /** Whether {@code id} is in the set (expired or not: a revocation is never undone). */
    boolean contains(String id) {
        long high = high(id);
        return segmentOf(high).contains(high, low(id));
    }

    /** Adds {@code id} until {@code expiresAt}, or keeps it until then if it is there already. */
    void add(String id, Instant expiresAt) {
        long high = high(id);
        segmentOf(high).add(high, low(id), seconds(expiresAt));
    }

    /**
     * Forgets every entry whose expiry is at or before {@code now}; how many went. One pass over
     * each segment under its write lock (a few microseconds each at a million entries).
     */
    int removeExpired(Instant now) {
        int cutoff = seconds(now);
        int removed = 0;
        for (Segment segment : segments) {
            removed += segment.removeExpired(cutoff);
        }
        return removed;
    }

    int size() {
        int size = 0;
        for (Segment segment : segments) {
            size += segment.size();
        }
        return size;
    }

    /** The bytes of the tables' arrays: what this set costs in memory. */
    long footprintBytes() {
        long slots = 0;
        for (Segment segment : segments) {
            slots += segment.capacity();
        }
        return 20L * slots;
    }

    private Segment segmentOf(long high) {
        return segments[(int) (high >>> 56) & (SEGMENTS - 1)];
    }

    /** One lock and one table; a lookup in it takes no lock unless a write intervenes. */
    private static final class Segment {
        private final StampedLock lock = new StampedLock();
        private Table table = new Table(MIN_CAPACITY);
        private int size;

        boolean contains(long high, long low) {
            long stamp = lock.tryOptimisticRead();
            boolean found = table.find(high, low) >= 0;
            if (lock.validate(stamp)) {
                return found;
            }
            stamp = lock.readLock();
            try {
                return table.find(high, low) >= 0;
            } finally {
                lock.unlockRead(stamp);
            }
        }

        void add(long high, long low, int expiry) {
            long stamp = lock.writeLock();
            try {
                int slot = table.find(high, low);
                if (slot >= 0) {
                    if (Integer.compareUnsigned(expiry, table.expiries[slot]) > 0) {
                        table.expiries[slot] = expiry;
                    }
                    return;
                }
                if ((size + 1) * 4L > table.capacity() * 3L && table.capacity() < MAX_CAPACITY) {
                    table = table.resized(table.capacity() * 2);
                }
                table.insert(high, low, expiry);
                size++;
            } finally {
                lock.unlockWrite(stamp);
            }
        }

        int removeExpired(int cutoff) {
            long stamp = lock.writeLock();
            try {
                int removed = table.removeExpired(cutoff);
                size -= removed;
                if (table.capacity() > MIN_CAPACITY && size * 8L < table.capacity()) {
                    table = table.resized(Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, size)) * 4));
                }
                return removed;
            } finally {
                lock.unlockWrite(stamp);
            }
        }

        int size() {
            long stamp = lock.readLock();
            try {
                return size;
            } finally {
                lock.unlockRead(stamp);
            }
        }

        int capacity() {
            long stamp = lock.readLock();
            try {
                return table.capacity();
            } finally {
                lock.unlockRead(stamp);
            }
        }
    }

    /** The slots: {@code highs[i]}, {@code lows[i]} and {@code expiries[i]}; expiry 0 is an empty slot. */
    private static final class Table {
        final long[] highs;
        final long[] lows;
        final int[] expiries;
        final int mask;

        Table(int capacity) {
            highs = new long[capacity];
            lows = new long[capacity];
            expiries = new int[capacity];
            mask = capacity - 1;
        }

        int capacity() {
            return expiries.length;
        }

        /** The slot holding {@code high, low}, or -1. */
        int find(long high, long low) {
            int slot = home(low);
            for (int probes = 0; probes <= mask; probes++) {
                if (expiries[slot] == 0) {
                    return -1;
                }
                if (lows[slot] == low && highs[slot] == high) {
                    return slot;
                }
                slot = (slot + 1) & mask;
            }
            return -1;
        }

        /** Puts a key known to be absent into the first free slot of its run. */
        void insert(long high, long low, int expiry) {
            int slot = home(low);
            while (expiries[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            highs[slot] = high;
            lows[slot] = low;
            expiries[slot] = expiry;
        }

        /** Removes every entry expiring at or before {@code cutoff}; how many went. */
        int removeExpired(int cutoff) {
            int start = 0;
            while (expiries[start] != 0) {
                start++; // a table at most three quarters full has an empty slot
            }
            // From just after an empty slot, every run is met from its beginning, and removeAt
            // moves entries only into the slot being looked at or later ones: one pass sees all.
            int removed = 0;
            for (int step = 1; step <= capacity(); step++) {
                int slot = (start + step) & mask;
                while (expiries[slot] != 0 && Integer.compareUnsigned(expiries[slot], cutoff) <= 0) {
                    removeAt(slot);
                    removed++;
                }
            }
            return removed;
        }

        /**
         * Empties {@code slot} and moves back every later entry of its run that may sit there
         * (backward-shift deletion), so that no lookup ever stops short at the hole.
         */
        private void removeAt(int slot) {
            int hole = slot;
            int next = slot;
            while (true) {
                next = (next + 1) & mask;
                if (expiries[next] == 0) {
                    break;
                }
                int home = home(lows[next]);
                // The entry at next may move to the hole unless its home lies in (hole, next].
                boolean homeBetween = hole <= next ? hole < home && home <= next : hole < home || home <= next;
                if (!homeBetween) {
                    highs[hole] = highs[next];
                    lows[hole] = lows[next];
                    expiries[hole] = expiries[next];
                    hole = next;
                }
            }
            highs[hole] = 0;
            lows[hole] = 0;
            expiries[hole] = 0;
        }

        Table resized(int capacity) {
            Table to = new Table(capacity);
            for (int slot = 0; slot < capacity(); slot++) {
                if (expiries[slot] != 0) {
                    to.insert(highs[slot], lows[slot], expiries[slot]);
                }
            }
            return to;
        }

        private int home(long low) {
            return (int) (low ^ (low >>> 32)) & mask;
        }
    }

    /** Epoch seconds, rounded up, as an unsigned int in [1, 2^32 - 1] (0 marks an empty slot). */
    static int seconds(Instant instant) {
        long seconds = instant.getEpochSecond() + (instant.getNano() > 0 ? 1 : 0);
        return (int) Math.max(1, Math.min(0xFFFF_FFFFL, seconds));
    }

    static long high(String id) {
        int offset = randomPartOffset(id);
        return offset < 0 ? digest(id, 0) : decode(id, offset, 0);
    }

    static long low(String id) {
        int offset = randomPartOffset(id);
        return offset < 0 ? digest(id, 8) : decode(id, offset, 8);
    }

    /** Where the 22 base64url characters of 128 random bits start, or -1 if {@code id} has none. */
    private static int randomPartOffset(String id) {
        int offset = id.length() == RANDOM_CHARS ? 0 : id.length() == TOKEN_ID_CHARS ? TOKEN_ID_CHARS - RANDOM_CHARS : -1;
        if (offset < 0) {
            return -1;
        }
        for (int i = offset; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c >= 128 || BASE64URL[c] < 0) {
                return -1;
            }
        }
        // The last character carries two bits and four zero bits; any other is not an encoding we made.
        return (BASE64URL[id.charAt(id.length() - 1)] & 0x0F) == 0 ? offset : -1;
    }

    /** Eight bytes, from {@code byteOffset} (0 or 8), of the 16 bytes the 22 characters encode. */
    private static long decode(String id, int offset, int byteOffset) {
        long high = 0;
        long low = 0;
        for (int i = 0; i < RANDOM_CHARS - 1; i++) { // 21 characters: 126 bits
            long value = BASE64URL[id.charAt(offset + i)];
            high = (high << 6) | (low >>> 58);
            low = (low << 6) | value;
        }
        long last = BASE64URL[id.charAt(offset + RANDOM_CHARS - 1)] >>> 4; // its top two bits
        high = (high << 2) | (low >>> 62);
        low = (low << 2) | last;
        return byteOffset == 0 ? high : low;
    }

    private static long digest(String id, int byteOffset) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            long value = 0;
            for (int i = byteOffset; i < byteOffset + 8; i++) {
                value = (value << 8) | (hash[i] & 0xFF);
            }
            return value;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
