package io.latchkey.core.token;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/** The server's {@link RevocationStore} minus the database, counting the reads it is asked for. */
final class MemoryRevocationStore implements RevocationStore {
    private record Family(Instant revokedAt, Instant expiresAt) {
    }

    private final Set<String> consumed = new HashSet<>();
    private final Map<String, Family> families = new HashMap<>();
    private final Map<String, Instant> accessTokens = new HashMap<>();
    int reads;

    @Override
    public synchronized ConsumeResult consumeRefreshToken(String jti, String familyId, String clientId,
                                                         Instant expiresAt) {
        if (!consumed.add(jti)) {
            return ConsumeResult.ALREADY_USED;
        }
        return families.containsKey(familyId) ? ConsumeResult.FAMILY_REVOKED : ConsumeResult.CONSUMED;
    }

    @Override
    public synchronized boolean isRefreshTokenConsumed(String jti) {
        reads++;
        return consumed.contains(jti);
    }

    @Override
    public synchronized boolean isRefreshTokenSpent(String jti, String familyId) {
        reads++;
        return consumed.contains(jti) || families.containsKey(familyId);
    }

    @Override
    public synchronized boolean revokeFamily(String familyId, String clientId, Instant revokedAt, Instant expiresAt) {
        return families.putIfAbsent(familyId, new Family(revokedAt, expiresAt)) == null;
    }

    @Override
    public synchronized boolean revokeAccessToken(String jti, String clientId, Instant expiresAt) {
        return accessTokens.putIfAbsent(jti, expiresAt) == null;
    }

    @Override
    public synchronized boolean isFamilyRevoked(String familyId) {
        reads++;
        return families.containsKey(familyId);
    }

    @Override
    public synchronized boolean isAccessTokenRevoked(String jti) {
        reads++;
        return accessTokens.containsKey(jti);
    }

    @Override
    public synchronized void forEachRevokedFamily(Instant revokedAfter, BiConsumer<String, Instant> each) {
        families.forEach((id, family) -> {
            if (family.revokedAt().isAfter(revokedAfter)) {
                each.accept(id, family.revokedAt());
            }
        });
    }

    @Override
    public synchronized void forEachRevokedAccessToken(Instant now, BiConsumer<String, Instant> each) {
        accessTokens.forEach((jti, expiresAt) -> {
            if (expiresAt.isAfter(now)) {
                each.accept(jti, expiresAt);
            }
        });
    }

    @Override
    public synchronized int purgeExpired(Instant now) {
        int before = families.size() + accessTokens.size();
        families.values().removeIf(family -> !family.expiresAt().isAfter(now));
        accessTokens.values().removeIf(expiresAt -> !expiresAt.isAfter(now));
        return before - families.size() - accessTokens.size();
    }

    /** A revocation another instance made: in the store, not in this instance's memory. */
    synchronized void revokedElsewhere(String jti, Instant expiresAt) {
        accessTokens.put(jti, expiresAt);
    }
}
