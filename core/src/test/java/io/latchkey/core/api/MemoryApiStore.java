package io.latchkey.core.api;

import io.latchkey.core.client.ClientId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The server's {@link ApiStore} minus the database: the same contract, every write "durable" when it returns. */
public final class MemoryApiStore implements ApiStore {
    private final Map<String, Api> apis = new LinkedHashMap<>();
    private final Map<String, ApiGrant> grants = new LinkedHashMap<>();

    @Override
    public synchronized boolean insert(Api api) {
        if (apis.values().stream().anyMatch(other -> other.identifier().equals(api.identifier()))) {
            return false;
        }
        apis.put(api.id(), api);
        return true;
    }

    @Override
    public synchronized Optional<Api> find(String id) {
        return Optional.ofNullable(apis.get(id));
    }

    @Override
    public synchronized List<Api> list() {
        return new ArrayList<>(apis.values());
    }

    @Override
    public synchronized boolean update(Api api) {
        return apis.replace(api.id(), api) != null;
    }

    @Override
    public synchronized boolean delete(String id) {
        grants.values().removeIf(grant -> grant.apiId().equals(id));
        return apis.remove(id) != null;
    }

    @Override
    public synchronized boolean putGrant(ApiGrant grant) {
        if (!apis.containsKey(grant.apiId())) {
            return false;
        }
        grants.put(grant.clientId().value() + " " + grant.apiId(), grant);
        return true;
    }

    @Override
    public synchronized boolean deleteGrant(ClientId clientId, String apiId) {
        return grants.remove(clientId.value() + " " + apiId) != null;
    }

    @Override
    public synchronized List<ApiGrant> grantsOf(ClientId clientId) {
        return grants.values().stream().filter(grant -> grant.clientId().equals(clientId)).toList();
    }
}
