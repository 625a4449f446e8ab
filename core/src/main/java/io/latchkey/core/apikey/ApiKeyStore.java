package io.latchkey.core.apikey;

import java.util.List;

/** Durable storage of admin API keys. */
public interface ApiKeyStore {
    void insert(ApiKey key);

    List<ApiKey> list();

    boolean delete(String id);
}
