package io.latchkey.core.usage;

import io.latchkey.core.client.ClientId;
import java.time.Instant;
import java.util.Map;

/**
 * Durable counts of the access tokens each client got, per minute, summed over every instance
 * sharing the store: each adds what it counted since it last did ({@link TokenUsage#fold}).
 */
public interface UsageStore {
    /** Adds {@code tokens} (client id → how many) to the minute that starts at {@code minute}; durable on return. */
    void add(Map<String, Long> tokens, Instant minute);

    /** Per client with tokens in the minutes from {@code since} on: how many, and the earliest such minute. */
    Map<String, Window> since(Instant since);

    /** How many tokens {@code id} got in the minutes from {@code since} on. */
    long count(ClientId id, Instant since);

    /** Deletes the minutes before {@code before}; how many rows went. */
    int purgeBefore(Instant before);

    /** A client's tokens in a window, and the first minute of the window that has any. */
    record Window(long tokens, Instant earliestMinute) {
    }
}
