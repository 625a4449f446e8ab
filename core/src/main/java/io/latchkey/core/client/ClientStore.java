package io.latchkey.core.client;

import java.util.List;
import java.util.Optional;

/** Durable storage of clients. Every write is durable when the method returns. */
public interface ClientStore {
    void insert(Client client);

    Optional<Client> find(ClientId id);

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

    /** Removes the client; false if there was none. */
    boolean delete(ClientId id);

    /** How many clients there are (the {@code latchkey_clients_active} gauge). */
    default long count() {
        return list(null).size();
    }
}
