package io.latchkey.core.apikey;

import java.time.Instant;

/**
 * An admin API key as stored: an id to name it by, only the keyed hash of the key itself, and
 * the {@linkplain ApiKeyRole role} that says what it may do.
 */
public record ApiKey(String id, String keyHash, String name, Instant createdAt, ApiKeyRole role) {
}
