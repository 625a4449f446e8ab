package io.latchkey.core.client;

import java.time.Instant;

/**
 * A registered client as stored: its secret only as a keyed hash. During a secret rotation's
 * grace period the previous secret's hash is kept with the instant it stops working.
 */
public record Client(
        ClientId id,
        String partnerId,
        String name,
        Scopes scopes,
        String secretHash,
        String previousSecretHash,
        Instant previousSecretExpiresAt,
        Instant createdAt) {

    /** A copy with a new secret, the current one kept until {@code graceUntil} (or dropped). */
    public Client withRotatedSecret(String newSecretHash, Instant graceUntil) {
        return new Client(id, partnerId, name, scopes, newSecretHash,
                graceUntil == null ? null : secretHash, graceUntil, createdAt);
    }
}
