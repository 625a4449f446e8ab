package io.latchkey.core.auth;

import io.latchkey.core.apikey.ApiKey;
import io.latchkey.core.apikey.ApiKeys;

/** An admin API key, looked up by its keyed hash in {@link ApiKeys}. */
public final class ApiKeyAuthentication implements ClientAuthentication<Credential.AdminApiKey> {
    private final ApiKeys apiKeys;

    public ApiKeyAuthentication(ApiKeys apiKeys) {
        this.apiKeys = apiKeys;
    }

    @Override
    public Class<Credential.AdminApiKey> checks() {
        return Credential.AdminApiKey.class;
    }

    @Override
    public boolean inMemory(Credential.AdminApiKey credential) {
        return apiKeys.isCached(credential.key());
    }

    @Override
    public Caller authenticate(Credential.AdminApiKey credential) {
        return new Caller.Operator(apiKeys.authenticate(credential.key()));
    }

    /** One keyed hash for both questions, where {@link #inMemory} and then {@link #authenticate} take two. */
    @Override
    public Caller authenticateInMemory(Credential.AdminApiKey credential) {
        ApiKey key = apiKeys.authenticateInMemory(credential.key());
        return key == null ? null : new Caller.Operator(key);
    }
}
