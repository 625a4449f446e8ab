package io.latchkey.core.client;

import java.util.List;
import java.util.Optional;

/** Durable storage of clients. Every write is durable when the method returns. */
public interface ClientStore {
    void insert(Client client);

    /**
     * Inserts a {@code private_key_jwt} client and its public keys, both or neither. A store that
     * keeps no keys refuses.
     */
    default void insert(Client client, ClientJwks keys) {
        throw new UnsupportedOperationException("this store keeps no client keys");
    }

    /**
     * Inserts a {@code private_key_jwt} client that serves its keys at {@code jwksUri}, with the
     * set served at registration, all or nothing. A store that keeps no URIs refuses.
     */
    default void insert(Client client, ClientJwks served, JwksUri jwksUri) {
        throw new UnsupportedOperationException("this store keeps no jwksUri");
    }

    Optional<Client> find(ClientId id);

    /** Where a {@code private_key_jwt} client serves its keys; empty when it registered them inline, or has none. */
    default Optional<JwksUri> findJwksUri(ClientId id) {
        return Optional.empty();
    }

    /** The public keys of a {@code private_key_jwt} client; empty for a client of a secret. */
    default Optional<ClientJwks> findKeys(ClientId id) {
        return Optional.empty();
    }

    /** Clients of one partner, or all when {@code partnerId} is null, oldest first. */
    List<Client> list(String partnerId);

    /**
     * Replaces the secret hashes of an existing client, if its current secret hash is still
     * {@code expectedSecretHash}: a compare-and-set, so that concurrent rotations (on any
     * instance) cannot lose one another's secret. False if the client is gone or was changed.
     */
    boolean updateSecret(Client client, String expectedSecretHash);

    /**
     * Replaces name, scopes and access-token lifetime of an existing client, if its secret hash is
     * still {@code expectedSecretHash} (so a concurrent rotation is not undone); false if the
     * client is gone or was changed.
     */
    boolean updateSettings(Client client, String expectedSecretHash);

    /** Removes the client, and its keys if it has any; false if there was none. */
    boolean delete(ClientId id);

    /** How many clients there are (the {@code latchkey_clients_active} gauge). */
    default long count() {
        return list(null).size();
    }
}
