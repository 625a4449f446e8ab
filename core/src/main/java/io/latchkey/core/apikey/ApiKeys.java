package io.latchkey.core.apikey;

import io.latchkey.core.audit.Actor;
import io.latchkey.core.audit.AuditAction;
import io.latchkey.core.audit.Auditor;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.secret.SecretGenerator;
import io.latchkey.core.secret.SecretHasher;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Admin API keys: created (shown once), listed, deleted, and checked on every admin call from an
 * in-memory index by keyed hash. Looking a key up by its hash leaks nothing through timing: the
 * hash of a guess says nothing about the hash of a real key. A key missing from the index is
 * looked up in the store, so a key created at another instance sharing the store works here at
 * once (read-your-writes), before the change feed says so.
 *
 * <p>A key given in {@code LATCHKEY_ADMIN_API_KEY} is accepted from the start but never stored;
 * it is listed as {@value #CONFIGURED_KEY_ID} and cannot be deleted through the API. It and the
 * bootstrap key are {@link ApiKeyRole#ADMIN admin} keys; a created key has the role asked for.
 */
public final class ApiKeys {
    public static final String CONFIGURED_KEY_ID = "configured";
    static final int MAX_KEY_LENGTH = 512;
    private static final String KEY_PREFIX = "lk_";

    private final ApiKeyStore store;
    private final SecretHasher hasher;
    private final SecretGenerator generator;
    private final Clock clock;
    private final Auditor auditor;
    private final Map<String, ApiKey> byHash = new ConcurrentHashMap<>();
    private final ApiKey configured;
    /** False after {@link #forget()}: the index must be read again before it answers. */
    private volatile boolean known;

    public ApiKeys(ApiKeyStore store, SecretHasher hasher, SecretGenerator generator, Clock clock, Auditor auditor,
                   String configuredKey) {
        this.store = store;
        this.hasher = hasher;
        this.generator = generator;
        this.clock = clock;
        this.auditor = auditor;
        this.configured = configuredKey == null || configuredKey.isBlank() ? null
                : new ApiKey(CONFIGURED_KEY_ID, hasher.hash(configuredKey), "LATCHKEY_ADMIN_API_KEY", clock.instant(),
                ApiKeyRole.ADMIN);
        reload();
    }

    /** Re-reads the stored keys: at start-up, and when another instance changed them. */
    public synchronized void reload() {
        Map<String, ApiKey> fresh = new java.util.HashMap<>();
        for (ApiKey key : store.list()) {
            fresh.put(key.keyHash(), key);
        }
        byHash.keySet().retainAll(fresh.keySet());
        byHash.putAll(fresh);
        known = true;
    }

    /**
     * Drops the stored keys from memory: changes made elsewhere may have been missed (the change
     * log was unreadable), and a key deleted there must not keep working here. Until the next
     * {@link #reload()}, a stored key is answered {@code temporarily_unavailable} (checking one
     * reads no store: it happens on the event loop); the configured key keeps working.
     */
    public synchronized void forget() {
        known = false;
        byHash.clear();
    }

    /**
     * On first start with no configured key and none stored, creates one for the operator to
     * see once; otherwise empty.
     */
    public Optional<NewApiKey> bootstrap() {
        if (configured != null || !byHash.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(insert("bootstrap", ApiKeyRole.ADMIN));
    }

    /** Creates a key of {@code role}, shown in the answer this once, and audits who did. */
    public NewApiKey create(String name, ApiKeyRole role, Actor by) {
        NewApiKey created = insert(name, role);
        auditor.record(AuditAction.API_KEY_CREATED, by, null,
                "api key " + created.apiKey().id() + " (" + role.storedName() + ")");
        return created;
    }

    private NewApiKey insert(String name, ApiKeyRole role) {
        String key = KEY_PREFIX + generator.secret();
        ApiKey apiKey = new ApiKey(generator.next(9), hasher.hash(key), name,
                clock.instant().truncatedTo(ChronoUnit.MILLIS), role);
        store.insert(apiKey);
        byHash.put(apiKey.keyHash(), apiKey);
        return new NewApiKey(apiKey, key);
    }

    /** Whether checking {@code presented} reads no store: it is malformed, configured, or known here. */
    public boolean isCached(String presented) {
        if (!wellFormed(presented)) {
            return true;
        }
        String hash = hasher.hash(presented);
        return configured != null && SecretHasher.sameHash(hash, configured.keyHash()) || byHash.containsKey(hash);
    }

    /**
     * The key that {@code presented} is, or {@code invalid_api_key}. A key this instance does not
     * know yet is looked up in the store (loaded under the index entry's lock, so a local delete
     * racing the load either removes what it loaded or finds nothing to load).
     */
    public ApiKey authenticate(String presented) {
        return check(presented, true);
    }

    /**
     * {@link #authenticate}, without the store: the key, or null when only the store can tell
     * (a key created at another instance that this one has not seen yet).
     *
     * @throws LatchkeyException whatever {@link #authenticate} throws without reading the store
     */
    public ApiKey authenticateInMemory(String presented) {
        return check(presented, false);
    }

    private ApiKey check(String presented, boolean mayRead) {
        if (!wellFormed(presented)) {
            throw LatchkeyException.invalidApiKey();
        }
        String hash = hasher.hash(presented);
        if (configured != null && SecretHasher.sameHash(hash, configured.keyHash())) {
            return configured;
        }
        if (!known) {
            throw new LatchkeyException(ErrorCode.TEMPORARILY_UNAVAILABLE,
                    "The admin API keys are being read again; try again shortly.");
        }
        ApiKey key = byHash.get(hash);
        if (key == null) {
            if (!mayRead) {
                return null;
            }
            key = byHash.computeIfAbsent(hash, h -> store.findByHash(h).orElse(null));
        }
        if (key == null) {
            throw LatchkeyException.invalidApiKey();
        }
        return key;
    }

    private static boolean wellFormed(String presented) {
        return presented != null && !presented.isEmpty() && presented.length() <= MAX_KEY_LENGTH;
    }

    public List<ApiKey> list() {
        List<ApiKey> keys = new java.util.ArrayList<>(store.list());
        if (configured != null) {
            keys.add(0, configured);
        }
        return keys;
    }

    /**
     * Deletes a key; from the moment this returns it no longer authenticates here. Audits who did.
     * Synchronized with {@link #reload()}: a reload that listed the store before this delete would
     * otherwise put the key back into memory after it, until the change feed reloads again.
     */
    public synchronized void delete(String id, Actor by) {
        if (CONFIGURED_KEY_ID.equals(id) && configured != null) {
            throw LatchkeyException.invalidRequest(
                    "The key from LATCHKEY_ADMIN_API_KEY cannot be deleted; unset the variable instead.");
        }
        // Under the index entry's lock when this instance knows the key, so that a load racing the
        // delete cannot put it back; a key never used here is only in the store, and any load of it
        // racing this delete is undone by the change feed, which reloads on this very change.
        String hash = byHash.values().stream().filter(key -> key.id().equals(id)).map(ApiKey::keyHash)
                .findFirst().orElse(null);
        boolean[] deleted = new boolean[1];
        if (hash == null) {
            deleted[0] = store.delete(id);
        } else {
            byHash.compute(hash, (h, old) -> {
                deleted[0] = store.delete(id);
                return null;
            });
        }
        if (!deleted[0]) {
            throw LatchkeyException.notFound("No API key with the id: " + id);
        }
        auditor.record(AuditAction.API_KEY_DELETED, by, null, "api key " + id);
    }
}
