package io.latchkey.core.api;

import io.latchkey.core.client.ClientId;
import java.util.List;
import java.util.Optional;

/** Durable storage of APIs and of clients' grants to them. Every write is durable when the method returns. */
public interface ApiStore {
    /** Registers {@code api}; false, with nothing written, if its identifier is taken. */
    boolean insert(Api api);

    Optional<Api> find(String id);

    /** Every API, oldest first. */
    List<Api> list();

    /** Replaces name, scopes and lifetime of an existing API; false if it is gone. */
    boolean update(Api api);

    /** Removes the API and every grant to it; false if there was none. */
    boolean delete(String id);

    /** Grants, or replaces the grant of, one client for one API; false, with nothing written, if the API is gone. */
    boolean putGrant(ApiGrant grant);

    /** Withdraws a grant; false if there was none. */
    boolean deleteGrant(ClientId clientId, String apiId);

    /** The grants of one client, in the order they were given. */
    List<ApiGrant> grantsOf(ClientId clientId);
}
