package io.latchkey.server;

import io.latchkey.core.client.ClientId;
import io.latchkey.core.token.RevocationFeed;
import io.latchkey.store.jdbc.Change;
import io.latchkey.store.jdbc.ChangeFeed;

/**
 * Applies what other instances changed to this instance's in-memory state, so that N instances on
 * one store behave as one server: a deleted or re-keyed client leaves the cache, API keys and the
 * key ring are re-read, revocations are remembered (and listed in the revocation feed, with
 * deleted clients), changed APIs and grants are read again.
 *
 * <p>What this instance caches, and what it does when changes may have been missed (stale):
 * clients are dropped (each is read again when next used); stored API keys are dropped (answered
 * 503 until the next reload, so a key deleted elsewhere stops working here); revocations are
 * a deny-list, which cannot be dropped without accepting revoked tokens, so lookups that miss in
 * memory ask the store until it has been read again. The key ring is kept: a key added elsewhere
 * is fetched when a token names it, and a retired key keeps verifying until its tokens expire
 * anyway, so nothing the ring holds grants what the store has taken away.
 */
final class CacheCoherence implements ChangeFeed.Listener {
    private final Services services;

    CacheCoherence(Services services) {
        this.services = services;
    }

    @Override
    public void onChange(Change change) {
        switch (change.kind()) {
            case CLIENT, CLIENT_KEYS -> {
                if (ClientId.isWellFormed(change.subject())) {
                    services.clients().invalidate(new ClientId(change.subject()));
                }
            }
            case API_KEYS -> services.apiKeys().reload();
            case SIGNING_KEYS -> services.keys().reload();
            case FAMILY_REVOKED -> services.revocations().learn(change.seq(), RevocationFeed.Type.FAMILY,
                    change.subject(), change.expiresAt());
            case ACCESS_TOKEN_REVOKED -> services.revocations().learn(change.seq(), RevocationFeed.Type.TOKEN,
                    change.subject(), change.expiresAt());
            case CLIENT_DELETED -> services.revocations().learn(change.seq(), RevocationFeed.Type.CLIENT,
                    change.subject(), change.expiresAt());
            case API -> services.apis().reloadApi(change.subject());
            case API_GRANTS -> {
                if (ClientId.isWellFormed(change.subject())) {
                    services.apis().reloadGrants(new ClientId(change.subject()));
                }
            }
        }
    }

    @Override
    public void onStale() {
        services.clients().invalidateAll();
        services.apiKeys().forget();
        services.revocations().markStale();
    }

    @Override
    public void onResync() {
        services.clients().invalidateAll();
        services.apis().load();
        services.apiKeys().reload();
        services.keys().reload();
        services.revocations().load();
    }

    @Override
    public void onCaughtUp(long applied) {
        services.revocations().caughtUp(applied);
    }
}
