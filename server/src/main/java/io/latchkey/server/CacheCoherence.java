package io.latchkey.server;

import io.latchkey.core.client.ClientId;
import io.latchkey.store.jdbc.Change;
import io.latchkey.store.jdbc.ChangeFeed;

/**
 * Applies what other instances changed to this instance's in-memory state, so that N instances on
 * one store behave as one server: a deleted or re-keyed client leaves the cache, API keys and the
 * key ring are re-read, revocations are remembered, changed APIs and grants are read again.
 */
final class CacheCoherence implements ChangeFeed.Listener {
    private final Services services;

    CacheCoherence(Services services) {
        this.services = services;
    }

    @Override
    public void onChange(Change change) {
        switch (change.kind()) {
            case CLIENT -> {
                if (ClientId.isWellFormed(change.subject())) {
                    services.clients().invalidate(new ClientId(change.subject()));
                }
            }
            case API_KEYS -> services.apiKeys().reload();
            case SIGNING_KEYS -> services.keys().reload();
            case FAMILY_REVOKED -> services.revocations().rememberFamily(change.subject(), change.expiresAt());
            case ACCESS_TOKEN_REVOKED -> services.revocations().rememberAccessToken(change.subject(), change.expiresAt());
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
    }

    @Override
    public void onResync() {
        services.clients().invalidateAll();
        services.apis().load();
        services.apiKeys().reload();
        services.keys().reload();
        services.revocations().load();
    }
}
