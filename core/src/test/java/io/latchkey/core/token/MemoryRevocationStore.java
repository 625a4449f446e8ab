package io.latchkey.core.token;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The server's {@link RevocationStore} minus the database, with the same contract: consuming a
 * refresh token is atomic, a token of a family the store holds as revoked is spent but not
 * consumed, and purging drops what expired at or before the given instant. Writes can be made to
 * fail, as a store that is down would.
 */
public final class MemoryRevocationStore implements RevocationStore {
    private final Map<String, Instant> consumed = new HashMap<>();
    private final Map<String, Instant> families = new HashMap<>();
    private final Map<String, Instant> accessTokens = new HashMap<>();
    private volatile boolean down;

    @Override
    public synchronized ConsumeResult consumeRefreshToken(String jti, String familyId, String clientId,
                                                          Instant expiresAt) {
        failIfDown();
        if (consumed.putIfAbsent(jti, expiresAt) != null) {
            return ConsumeResult.ALREADY_USED;
        }
        return families.containsKey(familyId) ? ConsumeResult.FAMILY_REVOKED : ConsumeResult.CONSUMED;
    }

    @Override
    public synchronized boolean isRefreshTokenConsumed(String jti) {
        return consumed.containsKey(jti);
    }

    @Override
    public synchronized void revokeFamily(String familyId, String clientId, Instant revokedAt, Instant expiresAt) {
        failIfDown();
        families.merge(familyId, expiresAt, (old, fresh) -> old.isAfter(fresh) ? old : fresh);
    }

    @Override
    public synchronized void revokeAccessToken(String jti, String clientId, Instant expiresAt) {
        failIfDown();
        accessTokens.put(jti, expiresAt);
    }

    @Override
    public synchronized Map<String, Instant> revokedFamilies(Instant now) {
        return unexpired(families, now);
    }

    @Override
    public synchronized Map<String, Instant> revokedAccessTokens(Instant now) {
        return unexpired(accessTokens, now);
    }

    @Override
    public synchronized int purgeExpired(Instant now) {
        int before = consumed.size() + families.size() + accessTokens.size();
        consumed.values().removeIf(expiry -> !expiry.isAfter(now));
        families.values().removeIf(expiry -> !expiry.isAfter(now));
        accessTokens.values().removeIf(expiry -> !expiry.isAfter(now));
        return before - consumed.size() - families.size() - accessTokens.size();
    }

    /** From now on every write fails (or, with false, succeeds again). */
    public void down(boolean down) {
        this.down = down;
    }

    private void failIfDown() {
        if (down) {
            throw new IllegalStateException("the store is unavailable");
        }
    }

    private static Map<String, Instant> unexpired(Map<String, Instant> entries, Instant now) {
        Map<String, Instant> result = new HashMap<>();
        entries.forEach((key, expiry) -> {
            if (expiry.isAfter(now)) {
                result.put(key, expiry);
            }
        });
        return result;
    }
}
