package io.latchkey.core.client;

import java.time.Duration;
import java.time.Instant;

/**
 * A registered client as stored: its secret only as a keyed hash. During a secret rotation's
 * grace period the previous secret's hash is kept with the instant it stops working.
 *
 * @param accessTokenTtl the longest its access tokens may live, or null for no cap of its own
 * @param dpopBoundAccessTokens RFC 9449 §5.2: the client gets tokens only with a DPoP proof
 */
public record Client(
        ClientId id,
        String partnerId,
        String name,
        Scopes scopes,
        String secretHash,
        String previousSecretHash,
        Instant previousSecretExpiresAt,
        Instant createdAt,
        Duration accessTokenTtl,
        boolean dpopBoundAccessTokens) {

    /** A client that may also get bearer tokens. */
    public Client(ClientId id, String partnerId, String name, Scopes scopes, String secretHash,
                  String previousSecretHash, Instant previousSecretExpiresAt, Instant createdAt,
                  Duration accessTokenTtl) {
        this(id, partnerId, name, scopes, secretHash, previousSecretHash, previousSecretExpiresAt, createdAt,
                accessTokenTtl, false);
    }

    /** A client without a lifetime cap of its own. */
    public Client(ClientId id, String partnerId, String name, Scopes scopes, String secretHash,
                  String previousSecretHash, Instant previousSecretExpiresAt, Instant createdAt) {
        this(id, partnerId, name, scopes, secretHash, previousSecretHash, previousSecretExpiresAt, createdAt, null);
    }

    /** A copy with a new secret, the current one kept until {@code graceUntil} (or dropped). */
    public Client withRotatedSecret(String newSecretHash, Instant graceUntil) {
        return new Client(id, partnerId, name, scopes, newSecretHash,
                graceUntil == null ? null : secretHash, graceUntil, createdAt, accessTokenTtl, dpopBoundAccessTokens);
    }

    /** A copy with the fields of an update, each kept when null; {@code clearTtl} drops the cap. */
    public Client changed(String newName, Scopes newScopes, Duration newTtl, boolean clearTtl) {
        return new Client(id, partnerId, newName != null ? newName : name, newScopes != null ? newScopes : scopes,
                secretHash, previousSecretHash, previousSecretExpiresAt, createdAt,
                clearTtl ? null : newTtl != null ? newTtl : accessTokenTtl, dpopBoundAccessTokens);
    }

    /** A copy that requires DPoP for its tokens, or not. */
    public Client withDpopBoundAccessTokens(boolean required) {
        return new Client(id, partnerId, name, scopes, secretHash, previousSecretHash, previousSecretExpiresAt,
                createdAt, accessTokenTtl, required);
    }
}
