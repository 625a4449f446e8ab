package io.latchkey.core.token;

import java.time.Instant;
import java.util.Map;

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

    void revokeFamily(String familyId, String clientId, Instant revokedAt, Instant expiresAt);

    void revokeAccessToken(String jti, String clientId, Instant expiresAt);

    /** Revoked families whose tokens may still be unexpired at {@code now}, with that expiry. */
    Map<String, Instant> revokedFamilies(Instant now);

    /** Revoked access tokens not yet expired at {@code now}, with their expiry. */
    Map<String, Instant> revokedAccessTokens(Instant now);

    /** Deletes every entry whose tokens have all expired by {@code now}; how many went. */
    int purgeExpired(Instant now);
}
