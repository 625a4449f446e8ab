package io.latchkey.core.token;

import java.time.Instant;
import java.util.function.BiConsumer;

/**
 * Durable record of what ended before its expiry: consumed refresh tokens, revoked rotation
 * families and revoked access tokens. Each entry is kept until the tokens it covers have expired,
 * then purged, so the tables hold only what is still relevant. Every write is durable when the
 * method returns.
 */
public interface RevocationStore {
    /**
     * Records that the refresh token {@code jti} was used, atomically: of any number of
     * concurrent calls for one {@code jti}, exactly one returns {@link ConsumeResult#CONSUMED}.
     * A token whose family the store holds as revoked is not consumed.
     */
    ConsumeResult consumeRefreshToken(String jti, String familyId, String clientId, Instant expiresAt);

    boolean isRefreshTokenConsumed(String jti);

    /** Whether the refresh token {@code jti} was consumed or its family revoked: one read. */
    boolean isRefreshTokenSpent(String jti, String familyId);

    /** Records the revocation unless the family already is revoked; whether it recorded it. */
    boolean revokeFamily(String familyId, String clientId, Instant revokedAt, Instant expiresAt);

    /**
     * As {@link #revokeFamily}, because a rotated refresh token of the family was used again (RFC
     * 9700 §4.14.2): a store that reports to webhooks records {@code refresh_token.reuse_detected}
     * in the same transaction.
     */
    default boolean revokeFamilyAfterReuse(String familyId, String clientId, Instant revokedAt, Instant expiresAt) {
        return revokeFamily(familyId, clientId, revokedAt, expiresAt);
    }

    /** Records the revocation unless the token already is revoked; whether it recorded it. */
    boolean revokeAccessToken(String jti, String clientId, Instant expiresAt);

    boolean isFamilyRevoked(String familyId);

    boolean isAccessTokenRevoked(String jti);

    /** Hands every family revoked after {@code revokedAfter} to {@code each}, with when it was revoked. */
    void forEachRevokedFamily(Instant revokedAfter, BiConsumer<String, Instant> each);

    /** Hands every revoked access token not yet expired at {@code now} to {@code each}, with its expiry. */
    void forEachRevokedAccessToken(Instant now, BiConsumer<String, Instant> each);

    /** Deletes every entry whose tokens have all expired by {@code now}; how many went. */
    int purgeExpired(Instant now);

    /**
     * Hands every client deleted after {@code deletedAfter} to {@code each}, with when it was
     * deleted ({@link io.latchkey.core.client.ClientStore#delete(io.latchkey.core.client.ClientId, Instant)}
     * records them). A store that records none hands none.
     */
    default void forEachDeletedClient(Instant deletedAfter, BiConsumer<String, Instant> each) {
    }

    /** Forgets the deletions made at or before {@code deletedBefore}; how many went. */
    default int purgeDeletedClients(Instant deletedBefore) {
        return 0;
    }
}
