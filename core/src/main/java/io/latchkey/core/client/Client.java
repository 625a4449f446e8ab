package io.latchkey.core.client;

import java.time.Duration;
import java.time.Instant;

/**
 * A registered client as stored: its secret only as a keyed hash. During a secret rotation's
 * grace period the previous secret's hash is kept with the instant it stops working.
 *
 * @param accessTokenTtl  the longest its access tokens may live, or null for no cap of its own
 * @param secretExpiresAt when its current secret stops working (SPEC §10), or null for never
 * @param limits          where it may authenticate from and how many tokens it may get
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
        Instant secretExpiresAt,
        ClientLimits limits,
        boolean dpopBoundAccessTokens) {

    public Client {
        limits = limits == null ? ClientLimits.NONE : limits;
    }

    /** A client that may also get bearer tokens. */
    public Client(ClientId id, String partnerId, String name, Scopes scopes, String secretHash,
                  String previousSecretHash, Instant previousSecretExpiresAt, Instant createdAt,
                  Duration accessTokenTtl, Instant secretExpiresAt, ClientLimits limits) {
        this(id, partnerId, name, scopes, secretHash, previousSecretHash, previousSecretExpiresAt, createdAt,
                accessTokenTtl, secretExpiresAt, limits, false);
    }

    /** A client whose secret never expires, without limits. */
    public Client(ClientId id, String partnerId, String name, Scopes scopes, String secretHash,
                  String previousSecretHash, Instant previousSecretExpiresAt, Instant createdAt,
                  Duration accessTokenTtl, boolean dpopBoundAccessTokens) {
        this(id, partnerId, name, scopes, secretHash, previousSecretHash, previousSecretExpiresAt, createdAt,
                accessTokenTtl, null, ClientLimits.NONE, dpopBoundAccessTokens);
    }

    /** A client whose secret never expires, without limits, that may also get bearer tokens. */
    public Client(ClientId id, String partnerId, String name, Scopes scopes, String secretHash,
                  String previousSecretHash, Instant previousSecretExpiresAt, Instant createdAt,
                  Duration accessTokenTtl) {
        this(id, partnerId, name, scopes, secretHash, previousSecretHash, previousSecretExpiresAt, createdAt,
                accessTokenTtl, null, ClientLimits.NONE, false);
    }

    /** A client without a lifetime cap of its own. */
    public Client(ClientId id, String partnerId, String name, Scopes scopes, String secretHash,
                  String previousSecretHash, Instant previousSecretExpiresAt, Instant createdAt) {
        this(id, partnerId, name, scopes, secretHash, previousSecretHash, previousSecretExpiresAt, createdAt, null);
    }

    /** A copy with a new secret that never expires, the current one kept until {@code graceUntil}. */
    public Client withRotatedSecret(String newSecretHash, Instant graceUntil) {
        return withRotatedSecret(newSecretHash, graceUntil, null);
    }

    /**
     * A copy with a new secret that expires at {@code expiresAt} (null: never), the current one
     * kept until {@code graceUntil} (or dropped).
     */
    public Client withRotatedSecret(String newSecretHash, Instant graceUntil, Instant expiresAt) {
        return new Client(id, partnerId, name, scopes, newSecretHash,
                graceUntil == null ? null : secretHash, graceUntil, createdAt, accessTokenTtl, expiresAt, limits,
                dpopBoundAccessTokens);
    }

    /** Whether its current secret has stopped working at {@code now}: expiry is inclusive. */
    public boolean secretExpired(Instant now) {
        return secretExpiresAt != null && !now.isBefore(secretExpiresAt);
    }

    /** A copy with other limits. */
    public Client withLimits(ClientLimits newLimits) {
        return new Client(id, partnerId, name, scopes, secretHash, previousSecretHash, previousSecretExpiresAt,
                createdAt, accessTokenTtl, secretExpiresAt, newLimits, dpopBoundAccessTokens);
    }

    /** A copy with the fields of an update, each kept when null; {@code clearTtl} drops the cap. */
    public Client changed(String newName, Scopes newScopes, Duration newTtl, boolean clearTtl) {
        return new Client(id, partnerId, newName != null ? newName : name, newScopes != null ? newScopes : scopes,
                secretHash, previousSecretHash, previousSecretExpiresAt, createdAt,
                clearTtl ? null : newTtl != null ? newTtl : accessTokenTtl, secretExpiresAt, limits,
                dpopBoundAccessTokens);
    }

    /** A copy that requires DPoP for its tokens, or not. */
    public Client withDpopBoundAccessTokens(boolean required) {
        return new Client(id, partnerId, name, scopes, secretHash, previousSecretHash, previousSecretExpiresAt,
                createdAt, accessTokenTtl, secretExpiresAt, limits, required);
    }
}
