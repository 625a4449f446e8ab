package io.latchkey.core.apikey;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The server's {@link ApiKeyStore} minus the database; several {@link ApiKeys} may share one, as instances do. */
public final class MemoryApiKeyStore implements ApiKeyStore {
    private final List<ApiKey> keys = new ArrayList<>();

    @Override
    public synchronized void insert(ApiKey key) {
        if (keys.stream().anyMatch(existing -> existing.id().equals(key.id()))) {
            throw new IllegalStateException("duplicate API key id");
        }
        keys.add(key);
    }

    @Override
    public synchronized List<ApiKey> list() {
        return List.copyOf(keys);
    }

    @Override
    public synchronized Optional<ApiKey> findByHash(String keyHash) {
        return keys.stream().filter(key -> key.keyHash().equals(keyHash)).findFirst();
    }

    @Override
    public synchronized boolean delete(String id) {
        return keys.removeIf(key -> key.id().equals(id));
    }
}
