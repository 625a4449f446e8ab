package io.latchkey.core.client;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's {@link ClientStore} minus the database: the same contract (a compare-and-set secret
 * update, oldest first listing), every write "durable" when it returns. It counts its reads, so
 * that tests can tell a cache hit from a store read, and can run a hook inside {@link #find}, so
 * that tests can make something happen while a lookup is on its way.
 */
public final class MemoryClientStore implements ClientStore {
    private final Map<ClientId, Client> clients = new LinkedHashMap<>();
    private final AtomicInteger finds = new AtomicInteger();
    private volatile Runnable duringFind;

    @Override
    public synchronized void insert(Client client) {
        if (clients.putIfAbsent(client.id(), client) != null) {
            throw new IllegalStateException("duplicate client id");
        }
    }

    @Override
    public Optional<Client> find(ClientId id) {
        finds.incrementAndGet();
        Runnable hook = duringFind;
        if (hook != null) {
            hook.run(); // outside the lock: the hook may write, as another instance would
        }
        synchronized (this) {
            return Optional.ofNullable(clients.get(id));
        }
    }

    @Override
    public synchronized List<Client> list(String partnerId) {
        List<Client> matching = new ArrayList<>();
        for (Client client : clients.values()) {
            if (partnerId == null || partnerId.equals(client.partnerId())) {
                matching.add(client);
            }
        }
        matching.sort(Comparator.comparing(Client::createdAt).thenComparing(client -> client.id().value()));
        return matching;
    }

    @Override
    public synchronized boolean updateSecret(Client client, String expectedSecretHash) {
        Client current = clients.get(client.id());
        if (current == null || !current.secretHash().equals(expectedSecretHash)) {
            return false;
        }
        clients.put(client.id(), client);
        return true;
    }

    @Override
    public synchronized boolean updateSettings(Client client, String expectedSecretHash) {
        return updateSecret(client, expectedSecretHash);
    }

    @Override
    public synchronized boolean delete(ClientId id) {
        return clients.remove(id) != null;
    }

    /** How many times {@link #find} was called. */
    public int finds() {
        return finds.get();
    }

    /** Runs {@code hook} at the start of every {@link #find} from now on; null to stop. */
    public void duringFind(Runnable hook) {
        this.duringFind = hook;
    }
}
