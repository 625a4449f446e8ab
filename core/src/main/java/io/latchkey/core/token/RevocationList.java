package io.latchkey.core.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The revocations in force, in memory, so that introspecting an access token or refreshing checks
 * them without a database read. Writes go to the store first and reach memory only once durable.
 *
 * <p>Memory holds an entry only while a token it covers can still be accepted from memory alone:
 * a revoked access token until its {@code exp}; a revoked family until the last access token
 * issued in it has expired, which is one access-token lifetime after the revocation, since no
 * token of the family is issued after it (plus {@link #FAMILY_MARGIN}, for a refresh consumed
 * just before the revocation and signed just after it, or an issuing instance whose clock runs a
 * little ahead). A family's refresh tokens live much longer
 * (30 days by default), but every refresh consumes its token in the store, which refuses a token
 * of a revoked family, and introspecting a refresh token asks the store too
 * ({@link RevocationStore#isRefreshTokenSpent}): the store keeps the family's row for as long as
 * one of its tokens can live, memory need not. Entries are compact ({@link RevokedIds}: 20 bytes
 * a slot).
 *
 * <p>When the instance can no longer learn of other instances' revocations (the change log is
 * unreadable: {@link #markStale()}), what memory does not hold may have been revoked elsewhere, so
 * lookups that miss ask the store until {@link #load()} has read everything again.
 *
 * <p>The same revocations, and the clients deleted within an access-token lifetime, are listed
 * for offline verifiers (SPEC §9): what is new, with ids and in the change log's order, from
 * {@link #feed()}, which learns, goes stale and forgets with this list; the whole list from the
 * store ({@link #forEachLive}).
 */
public final class RevocationList {
    /** How long after its access-token lifetime a revoked family is still remembered. */
    static final Duration FAMILY_MARGIN = Duration.ofMinutes(5);

    private final RevocationStore store;
    private final Clock clock;
    private final Duration accessTokenTtl;
    private final Duration longestTtl;
    private final RevokedIds families = new RevokedIds();
    private final RevokedIds accessTokens = new RevokedIds();
    private final RevocationFeed feed;
    private volatile boolean stale;

    public RevocationList(RevocationStore store, TokenSettings settings, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.accessTokenTtl = settings.accessTokenTtl();
        this.longestTtl = settings.longestTtl();
        this.feed = new RevocationFeed(clock);
    }

    /** Reads the revocations in force from the store: at start-up, and to resynchronise. */
    public void load() {
        Instant now = clock.instant();
        feed.reset();
        store.forEachRevokedAccessToken(now, accessTokens::add);
        store.forEachRevokedFamily(now.minus(accessTokenTtl).minus(FAMILY_MARGIN),
                (familyId, revokedAt) -> families.add(familyId, accessTokensExpired(revokedAt)));
        stale = false;
    }

    /**
     * Every live entry of the feed, read from the store (a verifier's first read, or one whose
     * cursor predates this instance's memory), streamed to {@code each}; returns the cursor they
     * bring a verifier to. The cursor is read first: every change up to it has committed, so the
     * store holds it. Memory keeps only what was learnt since the last load, so a million
     * revocations cost it nothing twice. {@code cursor} hears the cursor first, then {@code each}
     * every entry.
     */
    public void forEachLive(java.util.function.LongConsumer cursor, java.util.function.Consumer<RevocationFeed.Entry> each) {
        cursor.accept(feed.cursor());
        Instant now = clock.instant();
        Instant tokensIssuedAfter = now.minus(accessTokenTtl).minus(FAMILY_MARGIN);
        store.forEachRevokedAccessToken(now, (jti, expiresAt) -> each.accept(entry(RevocationFeed.Type.TOKEN, jti, expiresAt)));
        store.forEachRevokedFamily(tokensIssuedAfter, (familyId, revokedAt) ->
                each.accept(entry(RevocationFeed.Type.FAMILY, familyId, accessTokensExpired(revokedAt))));
        store.forEachDeletedClient(tokensIssuedAfter, (clientId, deletedAt) ->
                each.accept(entry(RevocationFeed.Type.CLIENT, clientId, accessTokensExpired(deletedAt))));
    }

    /** What offline verifiers must refuse, for {@code GET /oauth2/revocations} (SPEC §9). */
    public RevocationFeed feed() {
        return feed;
    }

    /**
     * Whether the family is revoked as far as its access tokens go. A refresh token of the family
     * may outlive the entry: {@link RevocationStore#isRefreshTokenSpent} answers for those.
     */
    public boolean isFamilyRevoked(String familyId) {
        return families.contains(familyId) || (stale && store.isFamilyRevoked(familyId));
    }

    public boolean isAccessTokenRevoked(String jti) {
        return accessTokens.contains(jti) || (stale && store.isAccessTokenRevoked(jti));
    }

    /**
     * Revokes a rotation family now: the store keeps it until every token of the family has
     * expired, memory until its access tokens have. Whether this call recorded it (false: it
     * already was).
     */
    public boolean revokeFamily(String familyId, String clientId) {
        return revokeFamily(familyId, clientId, false);
    }

    /** As {@link #revokeFamily(String, String)}, because a rotated refresh token of it was reused. */
    public boolean revokeFamilyAfterReuse(String familyId, String clientId) {
        return revokeFamily(familyId, clientId, true);
    }

    private boolean revokeFamily(String familyId, String clientId, boolean reused) {
        Instant now = clock.instant();
        boolean recorded = reused ? store.revokeFamilyAfterReuse(familyId, clientId, now, now.plus(longestTtl))
                : store.revokeFamily(familyId, clientId, now, now.plus(longestTtl));
        families.add(familyId, accessTokensExpired(now));
        return recorded;
    }

    /** Revokes one access token until {@code expiresAt}, its {@code exp}. */
    public void revokeAccessToken(String jti, String clientId, Instant expiresAt) {
        store.revokeAccessToken(jti, clientId, expiresAt);
        accessTokens.add(jti, expiresAt);
    }

    /**
     * Remembers a family another instance revoked (learnt from the change log), until its access
     * tokens have expired. The store keeps the family until {@code expiresAt}, the revocation
     * plus the longest token lifetime, which every instance of a deployment shares; so the
     * revocation was at {@code expiresAt} minus that, whenever this instance learns of it.
     */
    public void rememberFamily(String familyId, Instant expiresAt) {
        addUnexpired(families, familyId, accessTokensExpired(expiresAt.minus(longestTtl)));
    }

    /** Remembers an access token another instance revoked (learnt from the change log). */
    public void rememberAccessToken(String jti, Instant expiresAt) {
        addUnexpired(accessTokens, jti, expiresAt);
    }

    /**
     * A revocation or deletion of the change log, entry {@code seq}, any instance's (this one's
     * own included): remembered as above, and listed in the feed in the log's order. A client's
     * deletion is listed only: the client registry refuses the client itself.
     */
    public void learn(long seq, RevocationFeed.Type type, String id, Instant expiresAt) {
        switch (type) {
            case TOKEN -> {
                rememberAccessToken(id, expiresAt);
                feed.learn(seq, entry(type, id, expiresAt));
            }
            case FAMILY -> {
                rememberFamily(id, expiresAt);
                feed.learn(seq, entry(type, id, accessTokensExpired(expiresAt.minus(longestTtl))));
            }
            case CLIENT -> feed.learn(seq, entry(type, id, accessTokensExpired(expiresAt)));
        }
    }

    /** The change log has been applied up to {@code seq}: the feed's cursor. */
    public void caughtUp(long seq) {
        feed.caughtUp(seq);
    }

    /** {@code until} in epoch seconds, rounded up: an entry never ends before what it covers. */
    private static RevocationFeed.Entry entry(RevocationFeed.Type type, String id, Instant until) {
        return new RevocationFeed.Entry(type, id, until.getEpochSecond() + (until.getNano() > 0 ? 1 : 0));
    }

    /** Learnt late (the change log is read some time after the write), it may need no entry at all. */
    private void addUnexpired(RevokedIds ids, String id, Instant expiresAt) {
        if (expiresAt.isAfter(clock.instant())) {
            ids.add(id, expiresAt);
        }
    }

    /** Whether memory answers alone: false while stale, when the questions above read the store. */
    public boolean inMemory() {
        return !stale;
    }

    /** Revocations made elsewhere may be missing from memory: ask the store until {@link #load()}. */
    public void markStale() {
        stale = true;
        feed.markStale();
    }

    /** Forgets what has expired, in memory; with {@code inStore}, in the store too. */
    public int purgeExpired(boolean inStore) {
        Instant now = clock.instant();
        int purged = inStore
                ? store.purgeExpired(now) + store.purgeDeletedClients(now.minus(accessTokenTtl).minus(FAMILY_MARGIN))
                : 0;
        families.removeExpired(now);
        accessTokens.removeExpired(now);
        feed.removeExpired();
        return purged;
    }

    /** When the last access token of a family revoked at {@code revokedAt} has surely expired. */
    private Instant accessTokensExpired(Instant revokedAt) {
        return revokedAt.plus(accessTokenTtl).plus(FAMILY_MARGIN);
    }

    /** How many revocations are in memory (families and access tokens). */
    public int remembered() {
        return families.size() + accessTokens.size();
    }

    /** The bytes memory holds for them: the tables' arrays, at most three quarters full. */
    public long footprintBytes() {
        return families.footprintBytes() + accessTokens.footprintBytes();
    }
}
