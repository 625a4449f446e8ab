package io.latchkey.core.key;

import java.time.Instant;

/** A key as the store holds it: the JWK sealed (encrypted) under the master key. */
public record StoredKey(
        String kid,
        KeyPurpose purpose,
        SigningAlgorithm algorithm,
        String sealedJwk,
        Instant createdAt,
        Instant retiredAt) {
}
