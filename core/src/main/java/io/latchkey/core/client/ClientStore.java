package io.latchkey.core.client;

import java.util.List;
import java.util.Optional;

/** Durable storage of clients. Every write is durable when the method returns. */
public interface ClientStore {
    void insert(Client client);

    Optional<Client> find(ClientId id);

    /** Clients of one partner, or all when {@code partnerId} is null, oldest first. */
    List<Client> list(String partnerId);

    /** Replaces the secret hashes of an existing client; false if it no longer exists. */
    boolean updateSecret(Client client);

    /** Removes the client; false if there was none. */
    boolean delete(ClientId id);
}
