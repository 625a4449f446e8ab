package io.latchkey.server.metrics;

import io.latchkey.core.client.CertificateRegistration;
import io.latchkey.core.client.Client;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.ClientJwks;
import io.latchkey.core.client.ClientStore;
import io.latchkey.core.client.JwksUri;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client store that keeps the {@code latchkey_clients_active} gauge current without a query
 * per scrape: this instance's inserts and deletes move it at once, and {@link #recount()} (run
 * periodically on a worker) picks up what other instances on the same store changed.
 */
public final class CountedClientStore implements ClientStore {
    private final ClientStore store;
    private final AtomicLong count;

    public CountedClientStore(ClientStore store, LatchkeyMetrics metrics) {
        this.store = store;
        this.count = metrics.activeClients();
    }

    /** Counts the stored clients; blocking, so never on the event loop. */
    public void recount() {
        count.set(store.count());
    }

    @Override
    public void atomically(Runnable writes) {
        store.atomically(writes);
    }

    @Override
    public void insert(Client client) {
        store.insert(client);
        count.incrementAndGet();
    }

    @Override
    public void insert(Client client, ClientJwks keys) {
        store.insert(client, keys);
        count.incrementAndGet();
    }

    @Override
    public Optional<Client> find(ClientId id) {
        return store.find(id);
    }

    @Override
    public void insert(Client client, ClientJwks served, JwksUri jwksUri) {
        store.insert(client, served, jwksUri);
        count.incrementAndGet();
    }

    @Override
    public Optional<ClientJwks> findKeys(ClientId id) {
        return store.findKeys(id);
    }

    @Override
    public Optional<JwksUri> findJwksUri(ClientId id) {
        return store.findJwksUri(id);
    }

    @Override
    public void insert(Client client, CertificateRegistration registration) {
        store.insert(client, registration);
        count.incrementAndGet();
    }

    @Override
    public Optional<CertificateRegistration> findCertificateRegistration(ClientId id) {
        return store.findCertificateRegistration(id);
    }

    @Override
    public List<Client> list(String partnerId) {
        return store.list(partnerId);
    }

    @Override
    public boolean updateSecret(Client client, String expectedSecretHash) {
        return store.updateSecret(client, expectedSecretHash);
    }

    @Override
    public boolean updateSettings(Client client, String expectedSecretHash) {
        return store.updateSettings(client, expectedSecretHash);
    }

    @Override
    public List<Client> unwarnedSecretsExpiringBefore(Instant until, int limit) {
        return store.unwarnedSecretsExpiringBefore(until, limit);
    }

    @Override
    public boolean markExpiryWarned(ClientId id, String secretHash, Instant at) {
        return store.markExpiryWarned(id, secretHash, at);
    }

    @Override
    public List<Client> secretsExpiringBefore(Instant until, int limit) {
        return store.secretsExpiringBefore(until, limit);
    }

    @Override
    public long countSecretsExpiringBetween(Instant from, Instant until) {
        return store.countSecretsExpiringBetween(from, until);
    }

    @Override
    public boolean delete(ClientId id) {
        return counted(store.delete(id));
    }

    @Override
    public boolean delete(ClientId id, java.time.Instant deletedAt) {
        return counted(store.delete(id, deletedAt));
    }

    private boolean counted(boolean deleted) {
        if (deleted) {
            count.decrementAndGet();
        }
        return deleted;
    }

    @Override
    public long count() {
        return store.count();
    }
}
