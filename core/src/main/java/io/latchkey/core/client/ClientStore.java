package io.latchkey.core.client;

import java.util.List;
import java.util.Optional;

/** Durable storage of clients. Every write is durable when the method returns. */
public interface ClientStore {
    void insert(Client client);

    /**
     * Runs {@code writes} (this store's, and those of stores on the same database, such as the
     * audit log's) as one durable transaction where the store can: all of them, or none, for one
     * wait on the disk. A store without transactions runs them one after the other.
     */
    default void atomically(Runnable writes) {
        writes.run();
    }

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

    /**
     * Inserts a client that authenticates with a certificate (RFC 8705 §2) and how it is
     * recognised, both or neither. A store that keeps no such registrations refuses.
     */
    default void insert(Client client, CertificateRegistration registration) {
        throw new UnsupportedOperationException("this store keeps no certificate registrations");
    }

    /** How a client of a certificate is recognised; empty for any other client. */
    default Optional<CertificateRegistration> findCertificateRegistration(ClientId id) {
        return Optional.empty();
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
     * Replaces name, scopes, access-token lifetime and limits of an existing client, if its secret hash is
     * still {@code expectedSecretHash} (so a concurrent rotation is not undone); false if the
     * client is gone or was changed.
     */
    boolean updateSettings(Client client, String expectedSecretHash);

    /**
     * SPEC §10: clients whose current secret expires before {@code until} and has not been
     * warned of yet ({@link #markExpiryWarned}), soonest first, at most {@code limit}.
     */
    default List<Client> unwarnedSecretsExpiringBefore(java.time.Instant until, int limit) {
        return List.of();
    }

    /**
     * Records that the secret whose hash is {@code secretHash} has been warned of, if it is still
     * the client's secret and nobody (on any instance) recorded it before: true for the one caller
     * that should emit the warning. A rotation clears the mark with the secret.
     */
    default boolean markExpiryWarned(ClientId id, String secretHash, java.time.Instant at) {
        return false;
    }

    /** How many clients' current secrets expire after {@code from} and before {@code until}. */
    default long countSecretsExpiringBetween(java.time.Instant from, java.time.Instant until) {
        return 0;
    }

    /**
     * Clients whose current secret expires before {@code until}, expired ones included, soonest
     * first, at most {@code limit} (the console's overview).
     */
    default List<Client> secretsExpiringBefore(java.time.Instant until, int limit) {
        return List.of();
    }

    /** Removes the client, and its keys or certificate registration if it has any; false if there was none. */
    boolean delete(ClientId id);

    /**
     * Removes the client as {@link #delete(ClientId)} does, and remembers that it was deleted at
     * {@code deletedAt} for the revocation feed (SPEC §9), which tells offline verifiers to refuse
     * its access tokens until they have expired. A store that keeps no such record just deletes.
     */
    default boolean delete(ClientId id, java.time.Instant deletedAt) {
        return delete(id);
    }

    /** How many clients there are (the {@code latchkey_clients_active} gauge). */
    default long count() {
        return list(null).size();
    }
}
