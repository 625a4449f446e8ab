package io.latchkey.core.key;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The server's {@link KeyStore} minus the database, for tests that mint real tokens. */
public final class MemoryKeyStore implements KeyStore {
    private final List<StoredKey> keys = new ArrayList<>();

    @Override
    public synchronized List<StoredKey> list() {
        return List.copyOf(keys);
    }

    @Override
    public synchronized boolean insertIfAbsent(StoredKey key) {
        if (keys.stream().anyMatch(existing -> existing.kid().equals(key.kid()))) {
            return false;
        }
        return keys.add(key);
    }

    @Override
    public synchronized void retireOthers(KeyPurpose purpose, String exceptKid, Instant at) {
        keys.replaceAll(key -> key.purpose() == purpose && !key.kid().equals(exceptKid) && key.retiredAt() == null
                ? new StoredKey(key.kid(), key.purpose(), key.algorithm(), key.sealedJwk(), key.createdAt(), at)
                : key);
    }

    @Override
    public synchronized int deleteRetiredBefore(KeyPurpose purpose, Instant before) {
        int size = keys.size();
        keys.removeIf(key -> key.purpose() == purpose && key.retiredAt() != null && key.retiredAt().isBefore(before));
        return size - keys.size();
    }
}
