package io.latchkey.client.internal;

import java.text.ParseException;

/**
 * The headers of tokens already verified, so the next token with the same header — every token a
 * key signs has the same one — skips its base64 and JSON decoding. A lookup compares the token's
 * prefix in place: no substring, no hashing, no lock. Only headers of tokens whose signature
 * verified are added, so forged tokens cannot churn it; it holds a handful of entries (one per
 * live key), replaced oldest-first when full.
 */
final class HeaderCache {
    static final int CAPACITY = 8;

    private record Entry(String segment, JwsHeader header) {
    }

    private volatile Entry[] entries = new Entry[0];

    /** The header of {@code token}, whose first dot is at {@code dot}. */
    JwsHeader header(String token, int dot) throws ParseException {
        for (Entry entry : entries) {
            if (entry.segment.length() == dot && token.startsWith(entry.segment)) {
                return entry.header;
            }
        }
        return JwsHeader.parse(token.substring(0, dot));
    }

    /** Remembers the header of a token whose signature verified. */
    void remember(String token, int dot, JwsHeader header) {
        Entry[] current = entries;
        for (Entry entry : current) {
            if (entry.segment.length() == dot && token.startsWith(entry.segment)) {
                return;
            }
        }
        synchronized (this) {
            current = entries;
            int keep = Math.min(current.length, CAPACITY - 1);
            Entry[] next = new Entry[keep + 1];
            next[0] = new Entry(token.substring(0, dot), header);
            System.arraycopy(current, 0, next, 1, keep);
            entries = next;
        }
    }
}
