package io.latchkey.core.auth;

import io.latchkey.core.client.ClientRegistry;

/**
 * {@code client_secret_basic} and {@code client_secret_post} (RFC 6749 §2.3.1): the secret is
 * compared with its keyed hash, in constant time, by the {@link ClientRegistry}.
 */
public final class ClientSecretAuthentication implements ClientAuthentication<Credential.ClientSecret> {
    private final ClientRegistry clients;

    public ClientSecretAuthentication(ClientRegistry clients) {
        this.clients = clients;
    }

    @Override
    public Class<Credential.ClientSecret> checks() {
        return Credential.ClientSecret.class;
    }

    @Override
    public boolean inMemory(Credential.ClientSecret credential) {
        return clients.isCached(credential.clientId());
    }

    @Override
    public Caller authenticate(Credential.ClientSecret credential) {
        return new Caller.ClientCaller(clients.authenticate(credential.clientId(), credential.secret()),
                credential.method());
    }
}
