package io.latchkey.core.apikey;

import java.util.List;
import java.util.Optional;

/** Durable storage of admin API keys. */
public interface ApiKeyStore {
    void insert(ApiKey key);

    List<ApiKey> list();

    /** The key whose keyed hash is {@code keyHash}, if one is stored. */
    Optional<ApiKey> findByHash(String keyHash);

    boolean delete(String id);
}
