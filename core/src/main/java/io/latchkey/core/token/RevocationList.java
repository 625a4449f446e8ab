package io.latchkey.core.token;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The revocations in force, in memory, so that introspecting or refreshing checks them without a
 * database read. Writes go to the store first and reach memory only once durable; the sets hold
 * only unexpired entries and are purged together with the store.
 */
public final class RevocationList {
    private final RevocationStore store;
    private final Clock clock;
    private final Map<String, Instant> families = new ConcurrentHashMap<>();
    private final Map<String, Instant> accessTokens = new ConcurrentHashMap<>();

    public RevocationList(RevocationStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Loads the revocations in force from the store (start-up). */
    public void load() {
        Instant now = clock.instant();
        families.putAll(store.revokedFamilies(now));
        accessTokens.putAll(store.revokedAccessTokens(now));
    }

    public boolean isFamilyRevoked(String familyId) {
        return families.containsKey(familyId);
    }

    public boolean isAccessTokenRevoked(String jti) {
        return accessTokens.containsKey(jti);
    }

    public void revokeFamily(String familyId, String clientId, Instant expiresAt) {
        store.revokeFamily(familyId, clientId, clock.instant(), expiresAt);
        families.put(familyId, expiresAt);
    }

    public void revokeAccessToken(String jti, String clientId, Instant expiresAt) {
        store.revokeAccessToken(jti, clientId, expiresAt);
        accessTokens.put(jti, expiresAt);
    }

    /** Remembers a family another instance revoked (learnt from the change log). */
    public void rememberFamily(String familyId, Instant expiresAt) {
        families.put(familyId, expiresAt);
    }

    /** Remembers an access token another instance revoked (learnt from the change log). */
    public void rememberAccessToken(String jti, Instant expiresAt) {
        accessTokens.put(jti, expiresAt);
    }

    /** Forgets what has expired, in memory; with {@code inStore}, in the store too. */
    public int purgeExpired(boolean inStore) {
        Instant now = clock.instant();
        int purged = inStore ? store.purgeExpired(now) : 0;
        families.values().removeIf(expiry -> !expiry.isAfter(now));
        accessTokens.values().removeIf(expiry -> !expiry.isAfter(now));
        return purged;
    }
}
