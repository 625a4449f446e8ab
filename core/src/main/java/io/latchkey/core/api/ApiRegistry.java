package io.latchkey.core.api;

import io.latchkey.core.audit.Actor;
import io.latchkey.core.audit.AuditAction;
import io.latchkey.core.audit.Auditor;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.Scopes;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.secret.SecretGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registers protected APIs and grants clients access to them, and keeps them in memory, so that
 * issuing a token for a {@code resource} and introspecting one read no database once warm: every
 * API, loaded at start (they are few), and the grants of each client as it is first asked about,
 * like {@code ClientRegistry}'s clients (a store may hold millions of grants).
 *
 * <p>Cache coherence, as in {@code ClientRegistry}: a client's grants are loaded through {@link
 * ConcurrentHashMap#computeIfAbsent}, and every write commits to the store first and then changes
 * memory under the lock of the entry it touches ({@link ConcurrentHashMap#compute}), so a load
 * and a write of the same client's grants never interleave. A grant withdrawn or an API deleted
 * is therefore never found in memory once the call has returned, and within the change feed's
 * poll on every other instance, which drops the client's entry to be loaded again. A whole
 * {@link #load} (at start, and on a resync after the change log was unreachable) may race a
 * write; the write's own change-log entry, which this instance applies too, corrects it within
 * one poll.
 *
 * <p>Every change is audited here, after it committed, with the actor that asked for it.
 */
public final class ApiRegistry {
    /** Clients whose grants are held at once, as many as {@code ClientRegistry} holds clients. */
    static final int MAX_CACHED_CLIENTS = 100_000;

    private final ApiStore store;
    private final SecretGenerator ids;
    private final Clock clock;
    private final Auditor auditor;
    private final ConcurrentHashMap<String, Api> apis = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Api> byIdentifier = new ConcurrentHashMap<>();
    /**
     * Per client id, its grants by API id, for the clients asked about so far (an empty map: none;
     * no entry: not loaded); each inner map immutable, replaced whole.
     */
    private final ConcurrentHashMap<String, Map<String, ApiGrant>> grants = new ConcurrentHashMap<>();

    public ApiRegistry(ApiStore store, SecretGenerator ids, Clock clock, Auditor auditor) {
        this.store = store;
        this.ids = ids;
        this.clock = clock;
        this.auditor = auditor;
    }

    /**
     * Reads every API from the store and forgets the grants held, to be loaded again as they are
     * asked about: at start, and when changes may have been missed.
     */
    public synchronized void load() {
        List<Api> stored = store.list();
        Set<String> ids = new HashSet<>();
        for (Api api : stored) {
            ids.add(api.id());
            apis.put(api.id(), api);
            byIdentifier.put(api.identifier().value(), api);
        }
        apis.keySet().retainAll(ids);
        byIdentifier.values().removeIf(api -> !apis.containsKey(api.id()));
        grants.clear();
    }

    /** Registers an API; {@code conflict} when its identifier is taken. */
    public Api register(ResourceIdentifier identifier, String name, Scopes scopes, Duration accessTokenTtl, Actor by) {
        Api api = new Api(ids.id(), identifier, name, scopes, accessTokenTtl, now());
        boolean[] inserted = {false};
        byIdentifier.compute(identifier.value(), (key, old) -> {
            inserted[0] = store.insert(api);
            return inserted[0] ? api : old;
        });
        if (!inserted[0]) {
            throw new LatchkeyException(ErrorCode.CONFLICT, "An API with the identifier " + identifier + " exists.");
        }
        apis.put(api.id(), api);
        auditor.record(AuditAction.API_CREATED, by, null, "api " + api.id() + " " + identifier);
        return api;
    }

    public Optional<Api> find(String id) {
        return Optional.ofNullable(id == null ? null : apis.get(id));
    }

    public Api get(String id) {
        return find(id).orElseThrow(() -> unknown(id));
    }

    /** Every API, oldest first. */
    public List<Api> list() {
        return apis.values().stream()
                .sorted((a, b) -> a.createdAt().equals(b.createdAt()) ? a.id().compareTo(b.id())
                        : a.createdAt().compareTo(b.createdAt()))
                .toList();
    }

    /** Changes name, scopes or lifetime; each null is kept, {@code clearTtl} drops the lifetime. */
    public Api update(String id, String name, Scopes scopes, Duration accessTokenTtl, boolean clearTtl, Actor by) {
        Api[] updated = {null};
        apis.compute(id, (key, current) -> {
            if (current == null) {
                return null;
            }
            Api changed = current.changed(name, scopes, accessTokenTtl, clearTtl);
            if (!store.update(changed)) {
                return null;
            }
            byIdentifier.put(changed.identifier().value(), changed);
            updated[0] = changed;
            return changed;
        });
        if (updated[0] == null) {
            throw unknown(id);
        }
        auditor.record(AuditAction.API_UPDATED, by, null, "api " + id);
        return updated[0];
    }

    /** Deletes the API with its grants; from the moment this returns, none of its tokens is active. */
    public void delete(String id, Actor by) {
        Api[] deleted = {null};
        apis.compute(id, (key, current) -> {
            if (current != null && store.delete(id)) {
                deleted[0] = current;
                return null;
            }
            return current;
        });
        if (deleted[0] == null) {
            throw unknown(id);
        }
        forget(deleted[0]);
        auditor.record(AuditAction.API_DELETED, by, null, "api " + id + " " + deleted[0].identifier());
    }

    /**
     * Grants {@code clientId} access to the API with {@code scopes}, all of which the API must
     * have ({@code invalid_request} otherwise); replaces an earlier grant.
     */
    public ApiGrant grant(ClientId clientId, String apiId, Scopes scopes, Actor by) {
        Api api = get(apiId);
        if (!api.scopes().values().containsAll(scopes.values())) {
            throw LatchkeyException.invalidRequest("The API " + api.identifier() + " has no scope "
                    + scopes.values().stream().filter(s -> !api.scopes().values().contains(s)).findFirst().orElse("")
                    + "; a grant may only give scopes the API has.");
        }
        ApiGrant grant = new ApiGrant(clientId, apiId, scopes, now());
        boolean[] stored = {false};
        grants.compute(clientId.value(), (key, old) -> {
            stored[0] = store.putGrant(grant);
            if (!stored[0] || old == null) {
                return old; // not loaded: the next question reads the store, grant included
            }
            Map<String, ApiGrant> next = new LinkedHashMap<>(old);
            next.put(apiId, grant);
            return Collections.unmodifiableMap(next);
        });
        if (!stored[0]) {
            throw unknown(apiId);
        }
        if (!apis.containsKey(apiId)) {
            // Deleted while granting: its sweep of memory may have run before this grant went in.
            reloadGrants(clientId);
            throw unknown(apiId);
        }
        auditor.record(AuditAction.API_GRANTED, by, clientId.value(), "api " + apiId + " scopes " + scopes.spaceDelimited());
        return grant;
    }

    /** Withdraws a grant; from the moment this returns, the client's tokens for that API are inactive. */
    public void revokeGrant(ClientId clientId, String apiId, Actor by) {
        boolean[] deleted = {false};
        grants.compute(clientId.value(), (key, old) -> {
            deleted[0] = store.deleteGrant(clientId, apiId);
            if (old == null) {
                return null;
            }
            Map<String, ApiGrant> next = new LinkedHashMap<>(old);
            next.remove(apiId);
            return Collections.unmodifiableMap(next);
        });
        if (!deleted[0]) {
            throw LatchkeyException.notFound("The client has no grant for the API " + apiId + ".");
        }
        auditor.record(AuditAction.API_GRANT_REVOKED, by, clientId.value(), "api " + apiId);
    }

    /** The client's grants, in the order they were given. */
    public List<ApiGrant> grantsOf(ClientId clientId) {
        return List.copyOf(grantsByApi(clientId.value()).values());
    }

    /**
     * What the client may have of the API named {@code resource} (RFC 8707 §2): {@code
     * invalid_target} for an identifier no API has, or one the client is not granted. In memory.
     */
    public ApiAccess access(ClientId clientId, ResourceIdentifier resource) {
        Api api = byIdentifier.get(resource.value());
        ApiGrant grant = api == null ? null : grantOf(clientId.value(), api.id());
        if (grant == null) {
            throw new LatchkeyException(ErrorCode.INVALID_TARGET,
                    "The resource is not an API this client is granted access to.");
        }
        return new ApiAccess(api, intersection(grant.scopes(), api.scopes()));
    }

    /**
     * Whether a token of {@code clientId} for {@code audience}, issued at {@code issuedAt}, still
     * counts: the API exists, the client's grant for it does, and the grant is not younger than
     * the token. In memory.
     */
    public boolean isGranted(String clientId, String audience, Instant issuedAt) {
        Api api = byIdentifier.get(audience);
        ApiGrant grant = api == null ? null : grantOf(clientId, api.id());
        return grant != null && !issuedAt.isBefore(grant.grantedAt().truncatedTo(ChronoUnit.SECONDS));
    }

    /** Another instance changed or deleted an API: read it again. */
    public void reloadApi(String id) {
        Api[] gone = {null};
        apis.compute(id, (key, current) -> {
            Optional<Api> stored = store.find(id);
            if (stored.isPresent()) {
                byIdentifier.put(stored.get().identifier().value(), stored.get());
                return stored.get();
            }
            gone[0] = current;
            return null;
        });
        if (gone[0] != null) {
            forget(gone[0]);
        }
    }

    /**
     * Another instance changed a client's grants (or deleted the client): forget what is held, to
     * be read again when next asked about. A load in progress finishes first (the entry's lock).
     */
    public void reloadGrants(ClientId clientId) {
        grants.remove(clientId.value());
    }

    /** Whether the client's grants are in memory (tests: what the hot path will not read). */
    public boolean areGrantsCached(String clientId) {
        return grants.containsKey(clientId);
    }

    private ApiGrant grantOf(String clientId, String apiId) {
        return grantsByApi(clientId).get(apiId);
    }

    private Map<String, ApiGrant> grantsByApi(String clientId) {
        Map<String, ApiGrant> cached = grants.get(clientId);
        if (cached != null) {
            return cached;
        }
        if (grants.size() >= MAX_CACHED_CLIENTS) {
            // The same crude bound as the client cache: a flood of ids must not grow memory.
            grants.clear();
        }
        return grants.computeIfAbsent(clientId, key -> {
            Map<String, ApiGrant> loaded = new LinkedHashMap<>();
            if (ClientId.isWellFormed(clientId)) {
                for (ApiGrant grant : store.grantsOf(new ClientId(clientId))) {
                    loaded.put(grant.apiId(), grant);
                }
            }
            return Collections.unmodifiableMap(loaded);
        });
    }

    /** Drops a deleted API and every grant to it from memory (the store dropped them with it). */
    private void forget(Api api) {
        byIdentifier.remove(api.identifier().value(), api);
        byIdentifier.values().removeIf(cached -> cached.id().equals(api.id()));
        for (String clientId : grants.keySet()) {
            grants.computeIfPresent(clientId, (key, old) -> {
                if (!old.containsKey(api.id())) {
                    return old;
                }
                Map<String, ApiGrant> next = new LinkedHashMap<>(old);
                next.remove(api.id());
                return Collections.unmodifiableMap(next);
            });
        }
    }

    private static Scopes intersection(Scopes granted, Scopes available) {
        if (available.values().containsAll(granted.values())) {
            return granted;
        }
        return Scopes.of(granted.values().stream().filter(available.values()::contains).toList());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static LatchkeyException unknown(String id) {
        return LatchkeyException.notFound("No API with the id: " + id);
    }
}
