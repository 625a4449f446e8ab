package io.latchkey.core.apikey;

import java.time.Instant;

/** An admin API key as stored: an id to name it by, and only the keyed hash of the key itself. */
public record ApiKey(String id, String keyHash, String name, Instant createdAt) {
}
