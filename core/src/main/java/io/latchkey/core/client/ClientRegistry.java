package io.latchkey.core.client;

import io.latchkey.core.audit.Actor;
import io.latchkey.core.audit.AuditAction;
import io.latchkey.core.audit.Auditor;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.secret.SecretGenerator;
import io.latchkey.core.secret.SecretHasher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates, authenticates, re-keys and deletes clients, and keeps the ones in use in memory so
 * that authenticating a client on the token hot path reads no database.
 *
 * <p>Cache coherence: a lookup loads through {@link ConcurrentHashMap#computeIfAbsent}, which
 * holds the entry's lock while it reads the store; a write commits to the store first and then
 * replaces or removes the entry under the same lock. A load racing a delete therefore either
 * finishes before the removal (and is removed) or starts after the commit (and finds nothing):
 * a deleted client is never served from the cache once {@link #delete} has returned.
 *
 * <p>The public keys of {@code private_key_jwt} clients are cached the same way, beside the
 * clients; they are written with the client and never change, so only a delete (here, or on
 * another instance through {@link #invalidate}) drops them.
 *
 * <p>A client may instead publish its keys at a {@link JwksUri}: the URI is cached the same way,
 * and the set it serves lives in {@link RemoteJwks}, which fetches it again when it ages or an
 * assertion names a key it lacks; the set served at registration is stored beside the URI, as a
 * record of what was registered (and for instances of an older version, which know no URI).
 *
 * <p>Every change is audited here, with the actor that asked for it: a creation in the very
 * transaction that writes the client ({@link ClientStore#atomically}: both or neither, one wait
 * on the disk), every other change after it committed.
 */
public final class ClientRegistry {
    static final int MAX_CACHED_CLIENTS = 100_000;
    static final int MAX_SECRET_LENGTH = 512;
    public static final Duration MAX_GRACE = Duration.ofDays(30);
    /** Bounds one round of expiry warnings; the next round takes the rest. */
    static final int EXPIRY_WARNINGS_PER_ROUND = 1_000;

    private final ClientStore store;
    private final SecretHasher hasher;
    private final SecretGenerator generator;
    private final Clock clock;
    private final Auditor auditor;
    private final Duration defaultSecretTtl;
    private final ConcurrentHashMap<String, Client> cache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Optional<ClientJwks>> keyCache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Optional<JwksUri>> uriCache = new ConcurrentHashMap<>();
    private final RemoteJwks remoteKeys;
    private final ConcurrentHashMap<String, Optional<CertificateRegistration>> certificateCache =
            new ConcurrentHashMap<>();

    /** A registry that fetches no JWK set: a client with a {@code jwksUri} cannot be registered. */
    public ClientRegistry(ClientStore store, SecretHasher hasher, SecretGenerator generator, Clock clock,
                          Auditor auditor) {
        this(store, hasher, generator, clock, auditor, null, new RemoteJwks(JwksFetcher.NONE, clock));
    }

    /**
     * @param defaultSecretTtl how long a secret works when its creation or rotation names no
     *                         lifetime ({@code LATCHKEY_SECRET_TTL}), or null for forever
     */
    public ClientRegistry(ClientStore store, SecretHasher hasher, SecretGenerator generator, Clock clock,
                          Auditor auditor, Duration defaultSecretTtl) {
        this(store, hasher, generator, clock, auditor, defaultSecretTtl, new RemoteJwks(JwksFetcher.NONE, clock));
    }

    /**
     * @param defaultSecretTtl as above
     * @param remoteKeys       the JWK sets clients serve at their {@code jwksUri}, and how they are fetched
     */
    public ClientRegistry(ClientStore store, SecretHasher hasher, SecretGenerator generator, Clock clock,
                          Auditor auditor, Duration defaultSecretTtl, RemoteJwks remoteKeys) {
        this.defaultSecretTtl = defaultSecretTtl;
        this.remoteKeys = remoteKeys;
        this.store = store;
        this.hasher = hasher;
        this.generator = generator;
        this.clock = clock;
        this.auditor = auditor;
    }

    /** Registers a client with a fresh 256-bit secret, of the default lifetime, without limits. */
    public NewClient create(String partnerId, String name, Scopes scopes, Actor by) {
        return create(partnerId, name, scopes, (Duration) null, ClientLimits.NONE, false, by);
    }

    /**
     * Registers a client with a fresh 256-bit secret, which with {@code dpopBoundAccessTokens}
     * gets tokens only with a DPoP proof (RFC 9449 §5.2).
     */
    public NewClient create(String partnerId, String name, Scopes scopes, boolean dpopBoundAccessTokens, Actor by) {
        return create(partnerId, name, scopes, (Duration) null, ClientLimits.NONE, dpopBoundAccessTokens, by);
    }

    /**
     * Registers a client with a fresh 256-bit secret that works for {@code secretTtl} (null: the
     * default lifetime), and {@code limits}.
     */
    public NewClient create(String partnerId, String name, Scopes scopes, Duration secretTtl, ClientLimits limits,
                            Actor by) {
        return create(partnerId, name, scopes, secretTtl, limits, false, by);
    }

    /**
     * As {@link #create(String, String, Scopes, Duration, ClientLimits, Actor)}, the client getting
     * tokens only with a DPoP proof when {@code dpopBoundAccessTokens} (RFC 9449 §5.2).
     */
    public NewClient create(String partnerId, String name, Scopes scopes, Duration secretTtl, ClientLimits limits,
                            boolean dpopBoundAccessTokens, Actor by) {
        String secret = generator.secret();
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Client client = new Client(new ClientId(generator.id()), partnerId, name, scopes,
                hasher.hash(secret), null, null, now, null, expiry(now, secretTtl), limits, dpopBoundAccessTokens);
        store.atomically(() -> {
            store.insert(client);
            auditor.record(AuditAction.CLIENT_CREATED, by, client.id().value(), "partner " + partnerId);
        });
        return new NewClient(client, secret);
    }

    /**
     * Registers a {@code private_key_jwt} client (RFC 7523 §2.2) with the public keys it signs
     * its assertions with. It has no secret: its stored hash is that of a random secret nobody
     * ever saw, so a secret never authenticates it, and {@link #rotateSecret} refuses it.
     */
    public NewClient create(String partnerId, String name, Scopes scopes, ClientJwks keys, Actor by) {
        return create(partnerId, name, scopes, keys, ClientLimits.NONE, false, by);
    }

    /** As {@link #create(String, String, Scopes, ClientJwks, Actor)}, DPoP-only when {@code dpopBoundAccessTokens}. */
    public NewClient create(String partnerId, String name, Scopes scopes, ClientJwks keys,
                            boolean dpopBoundAccessTokens, Actor by) {
        return create(partnerId, name, scopes, keys, ClientLimits.NONE, dpopBoundAccessTokens, by);
    }

    /** As {@link #create(String, String, Scopes, ClientJwks, Actor)}, with {@code limits}. */
    public NewClient create(String partnerId, String name, Scopes scopes, ClientJwks keys, ClientLimits limits,
                            Actor by) {
        return create(partnerId, name, scopes, keys, limits, false, by);
    }

    /** As {@link #create(String, String, Scopes, ClientJwks, ClientLimits, Actor)}, DPoP-only when {@code dpopBoundAccessTokens}. */
    public NewClient create(String partnerId, String name, Scopes scopes, ClientJwks keys, ClientLimits limits,
                            boolean dpopBoundAccessTokens, Actor by) {
        Client client = new Client(new ClientId(generator.id()), partnerId, name, scopes,
                hasher.hash(generator.secret()), null, null,
                clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), null, null, limits,
                dpopBoundAccessTokens);
        store.atomically(() -> {
            store.insert(client, keys);
            auditor.record(AuditAction.CLIENT_CREATED, by, client.id().value(), "partner " + partnerId + ", private_key_jwt");
        });
        return new NewClient(client, null, keys);
    }

    /**
     * Registers a {@code private_key_jwt} client whose keys are the JWK set served at {@code
     * jwksUri} (RFC 7591 §2), fetched now so that a URI that serves no usable set is refused here
     * rather than at the client's first token request. No secret, as for a set given inline.
     *
     * @throws LatchkeyException {@code invalid_request} saying why the set cannot be used
     */
    public NewClient create(String partnerId, String name, Scopes scopes, JwksUri jwksUri, Actor by) {
        return create(partnerId, name, scopes, jwksUri, ClientLimits.NONE, false, by);
    }

    /** As {@link #create(String, String, Scopes, JwksUri, Actor)}, with {@code limits}, DPoP-only when {@code dpopBoundAccessTokens}. */
    public NewClient create(String partnerId, String name, Scopes scopes, JwksUri jwksUri, ClientLimits limits,
                            boolean dpopBoundAccessTokens, Actor by) {
        ClientJwks served = remoteKeys.fetchNow(jwksUri);
        Client client = new Client(new ClientId(generator.id()), partnerId, name, scopes,
                hasher.hash(generator.secret()), null, null,
                clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), null, null, limits,
                dpopBoundAccessTokens);
        store.atomically(() -> {
            store.insert(client, served, jwksUri);
            auditor.record(AuditAction.CLIENT_CREATED, by, client.id().value(),
                    "partner " + partnerId + ", private_key_jwt, jwksUri");
        });
        return new NewClient(client, null, served, null, jwksUri);
    }

    /** Where a {@code private_key_jwt} client serves its keys, when it registered a {@code jwksUri}. Cached. */
    public Optional<JwksUri> jwksUri(ClientId id) {
        Optional<JwksUri> cached = uriCache.get(id.value());
        if (cached != null) {
            return cached;
        }
        if (uriCache.size() >= MAX_CACHED_CLIENTS) {
            uriCache.clear();
        }
        return uriCache.computeIfAbsent(id.value(), key -> store.findJwksUri(id));
    }

    /**
     * The keys to check an assertion of client {@code id} with: those served at its {@code
     * jwksUri} (fetched when due), else those it registered; empty for a client of a secret.
     *
     * @throws LatchkeyException {@code invalid_client} when its URI has no usable set to offer
     */
    public Optional<ClientJwks> verificationKeys(ClientId id) {
        Optional<JwksUri> uri = jwksUri(id);
        if (uri.isPresent()) {
            return Optional.of(remoteKeys.keys(id, uri.get()));
        }
        return keys(id);
    }

    /**
     * After an assertion named a {@code kid} that {@code seen} lacks: a newer set from the
     * client's {@code jwksUri} ({@link RemoteJwks#refetched}), or empty when it has none or none
     * may be fetched yet.
     */
    public Optional<ClientJwks> keysAfterUnknownKid(ClientId id, ClientJwks seen) {
        return jwksUri(id).flatMap(uri -> remoteKeys.refetched(id, uri, seen));
    }

    /**
     * Registers a client that authenticates with a certificate (RFC 8705 §2): {@code
     * tls_client_auth} by its subject DN, or {@code self_signed_tls_client_auth} by its key. Like a
     * {@code private_key_jwt} client it has no secret anybody knows.
     */
    public NewClient create(String partnerId, String name, Scopes scopes, CertificateRegistration registration,
                            Actor by) {
        return create(partnerId, name, scopes, registration, ClientLimits.NONE, by);
    }

    /** As {@link #create(String, String, Scopes, CertificateRegistration, Actor)}, with {@code limits}. */
    public NewClient create(String partnerId, String name, Scopes scopes, CertificateRegistration registration,
                            ClientLimits limits, Actor by) {
        return create(partnerId, name, scopes, registration, limits, false, by);
    }

    /** As {@link #create(String, String, Scopes, CertificateRegistration, ClientLimits, Actor)}, DPoP-only when {@code dpopBoundAccessTokens}. */
    public NewClient create(String partnerId, String name, Scopes scopes, CertificateRegistration registration,
                            ClientLimits limits, boolean dpopBoundAccessTokens, Actor by) {
        Client client = new Client(new ClientId(generator.id()), partnerId, name, scopes,
                hasher.hash(generator.secret()), null, null,
                clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), null, null, limits,
                dpopBoundAccessTokens);
        store.atomically(() -> {
            store.insert(client, registration);
            auditor.record(AuditAction.CLIENT_CREATED, by, client.id().value(),
                    "partner " + partnerId + ", " + registration.method());
        });
        return new NewClient(client, null, null, registration);
    }

    /**
     * How a client of a certificate is recognised, empty for any other client. Cached like its
     * keys: a registration never changes while the client exists.
     */
    public Optional<CertificateRegistration> certificateRegistration(ClientId id) {
        Optional<CertificateRegistration> cached = certificateCache.get(id.value());
        if (cached != null) {
            return cached;
        }
        if (certificateCache.size() >= MAX_CACHED_CLIENTS) {
            certificateCache.clear();
        }
        return certificateCache.computeIfAbsent(id.value(), key -> store.findCertificateRegistration(id));
    }

    /** Whether the client and its certificate registration (or its lack of one) are in memory. */
    public boolean isCertificateRegistrationCached(String clientId) {
        return isCached(clientId) && certificateCache.containsKey(clientId);
    }

    /**
     * The public keys of a {@code private_key_jwt} client, empty for a client of a secret (or
     * none at all); for a client of a {@code jwksUri}, the set it served at registration.
     * Cached: a client's keys never change while it exists.
     */
    public Optional<ClientJwks> keys(ClientId id) {
        Optional<ClientJwks> cached = keyCache.get(id.value());
        if (cached != null) {
            return cached;
        }
        if (keyCache.size() >= MAX_CACHED_CLIENTS) {
            keyCache.clear();
        }
        return keyCache.computeIfAbsent(id.value(), key -> store.findKeys(id));
    }

    /**
     * The client that {@code clientId} and {@code secret} authenticate, or {@code invalid_client}
     * for an unknown or deleted client or a wrong secret alike; for a right secret that has
     * expired too (SPEC §10), with a description that says so.
     */
    public Client authenticate(String clientId, String secret) {
        if (!ClientId.isWellFormed(clientId) || secret == null || secret.length() > MAX_SECRET_LENGTH) {
            throw LatchkeyException.invalidClient();
        }
        Client client = find(new ClientId(clientId)).orElse(null);
        if (client == null) {
            throw LatchkeyException.invalidClient();
        }
        if (hasher.matches(secret, client.secretHash())) {
            if (client.secretExpiresAt() != null && client.secretExpired(clock.instant())) {
                throw LatchkeyException.secretExpired(client.secretExpiresAt());
            }
            return client;
        }
        if (client.previousSecretExpiresAt() != null
                && clock.instant().isBefore(client.previousSecretExpiresAt())
                && hasher.matches(secret, client.previousSecretHash())) {
            return client;
        }
        throw LatchkeyException.invalidClient();
    }

    /** Whether {@code clientId} is in memory, so that looking it up reads no database. */
    public boolean isCached(String clientId) {
        return clientId != null && cache.containsKey(clientId);
    }

    public Optional<Client> find(ClientId id) {
        Client cached = cache.get(id.value());
        if (cached != null) {
            return Optional.of(cached);
        }
        if (cache.size() >= MAX_CACHED_CLIENTS) {
            // Crude bound: a flood of distinct ids must not grow memory without limit.
            cache.clear();
        }
        return Optional.ofNullable(cache.computeIfAbsent(id.value(), key -> store.find(id).orElse(null)));
    }

    /** Whether the client exists (not deleted): what makes its tokens still count. */
    public boolean exists(String clientId) {
        return ClientId.isWellFormed(clientId) && find(new ClientId(clientId)).isPresent();
    }

    public List<Client> list(String partnerId) {
        return store.list(partnerId);
    }

    /**
     * Gives the client a new secret of the default lifetime. The old one keeps working for
     * {@code grace} (zero: not at all), then never again.
     */
    public NewClient rotateSecret(ClientId id, Duration grace, Actor by) {
        return rotateSecret(id, grace, null, by);
    }

    /**
     * Gives the client a new secret that works for {@code secretTtl} (null: the default
     * lifetime). The old one keeps working for {@code grace} (zero: not at all), and never past
     * its own expiry, then never again.
     */
    public NewClient rotateSecret(ClientId id, Duration grace, Duration secretTtl, Actor by) {
        if (grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
            throw LatchkeyException.invalidRequest("graceSeconds must be between 0 and " + MAX_GRACE.toSeconds() + ".");
        }
        if (keys(id).isPresent()) {
            throw LatchkeyException.invalidRequest("The client authenticates with private_key_jwt: it has no secret to rotate.");
        }
        if (certificateRegistration(id).isPresent()) {
            throw LatchkeyException.invalidRequest("The client authenticates with a certificate: it has no secret to rotate.");
        }
        String secret = generator.secret();
        String secretHash = hasher.hash(secret);
        Instant now = clock.instant();
        Instant graceUntil = grace.isZero() ? null : now.plus(grace);
        Instant expiresAt = expiry(now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS), secretTtl);
        while (true) {
            // Read, then write only if nothing changed in between: two rotations that both read
            // the same secret would otherwise keep the original as "previous" and drop the secret
            // the other had just handed out. The loser reads again and rotates what is there now.
            Client current = store.find(id).orElseThrow(() -> unknown(id));
            Instant previousUntil = graceUntil != null && current.secretExpiresAt() != null
                    && current.secretExpiresAt().isBefore(graceUntil) ? current.secretExpiresAt() : graceUntil;
            if (previousUntil != null && !previousUntil.isAfter(now)) {
                previousUntil = null; // the old secret has expired already: no grace brings it back
            }
            Client rotated = current.withRotatedSecret(secretHash, previousUntil, expiresAt);
            boolean[] replaced = {false};
            cache.compute(id.value(), (key, old) -> {
                replaced[0] = store.updateSecret(rotated, current.secretHash());
                return replaced[0] ? rotated : null; // changed or gone: the next lookup reloads
            });
            if (replaced[0]) {
                auditor.record(AuditAction.CLIENT_SECRET_ROTATED, by, id.value(), "grace " + grace.toSeconds() + "s");
                return new NewClient(rotated, secret);
            }
        }
    }

    /**
     * Changes a client's name, scopes or access-token lifetime cap (each null is kept; {@code
     * clearTtl} drops the cap). Its tokens already issued keep what they say.
     */
    public Client update(ClientId id, String name, Scopes scopes, Duration accessTokenTtl, boolean clearTtl, Actor by) {
        return update(id, name, scopes, accessTokenTtl, clearTtl, limits -> limits, by);
    }

    /** As {@link #update(ClientId, String, Scopes, Duration, boolean, Actor)}, also changing its limits. */
    public Client update(ClientId id, String name, Scopes scopes, Duration accessTokenTtl, boolean clearTtl,
                         java.util.function.UnaryOperator<ClientLimits> limits, Actor by) {
        return update(id, name, scopes, accessTokenTtl, clearTtl, limits, null, by);
    }

    /**
     * As {@link #update(ClientId, String, Scopes, Duration, boolean, java.util.function.UnaryOperator, Actor)},
     * also requiring DPoP for its tokens from now on, or no longer (RFC 9449 §5.2), unless {@code
     * dpopBoundAccessTokens} is null. Tokens already issued keep their binding, or lack of one.
     */
    public Client update(ClientId id, String name, Scopes scopes, Duration accessTokenTtl, boolean clearTtl,
                         java.util.function.UnaryOperator<ClientLimits> limits, Boolean dpopBoundAccessTokens,
                         Actor by) {
        while (true) {
            // Compare-and-set on the secret hash, like rotateSecret: a rotation in between is kept.
            Client current = store.find(id).orElseThrow(() -> unknown(id));
            Client changed = current.changed(name, scopes, accessTokenTtl, clearTtl)
                    .withLimits(limits.apply(current.limits()));
            if (dpopBoundAccessTokens != null) {
                changed = changed.withDpopBoundAccessTokens(dpopBoundAccessTokens);
            }
            Client replacement = changed;
            boolean[] replaced = {false};
            cache.compute(id.value(), (key, old) -> {
                replaced[0] = store.updateSettings(replacement, current.secretHash());
                return replaced[0] ? replacement : null;
            });
            if (replaced[0]) {
                auditor.record(AuditAction.CLIENT_UPDATED, by, id.value(), null);
                return replacement;
            }
        }
    }

    /**
     * SPEC §10: audits {@code client.secret_expiring} for every secret that expires within
     * {@code warning} from now and has not been warned of: once per secret, also with several
     * instances running this at once (the store's mark decides who emits it). Returns how many.
     */
    public int warnOfExpiringSecrets(Duration warning) {
        Instant now = clock.instant();
        int warned = 0;
        for (Client client : store.unwarnedSecretsExpiringBefore(now.plus(warning), EXPIRY_WARNINGS_PER_ROUND)) {
            if (store.markExpiryWarned(client.id(), client.secretHash(), now)) {
                auditor.record(AuditAction.CLIENT_SECRET_EXPIRING, "latchkey", null, client.id().value(),
                        "secret expires at " + client.secretExpiresAt());
                warned++;
            }
        }
        return warned;
    }

    /** How many secrets expire within {@code window} from now, not counting those expired already. */
    public long countSecretsExpiringWithin(Duration window) {
        Instant now = clock.instant();
        return store.countSecretsExpiringBetween(now, now.plus(window));
    }

    /** The clients whose secret expires within {@code window} from now or has expired, soonest first, at most {@code limit}. */
    public List<Client> secretsExpiringWithin(Duration window, int limit) {
        return store.secretsExpiringBefore(clock.instant().plus(window), limit);
    }

    /** When a secret issued at {@code now} stops working: after {@code ttl}, else the default, else never. */
    private Instant expiry(Instant now, Duration ttl) {
        Duration lifetime = ttl != null ? ttl : defaultSecretTtl;
        return lifetime == null ? null : now.plus(lifetime);
    }

    /** Drops one client from memory: another instance changed or deleted it. */
    public void invalidate(ClientId id) {
        cache.remove(id.value());
        keyCache.remove(id.value());
        uriCache.remove(id.value());
        remoteKeys.forget(id);
        certificateCache.remove(id.value());
    }

    /** Drops every client from memory: changes may have been missed (the change log was unreachable). */
    public void invalidateAll() {
        cache.clear();
        keyCache.clear();
        uriCache.clear();
        remoteKeys.forgetAll();
        certificateCache.clear();
    }

    /** Deletes the client; from the moment this returns, nothing of it authenticates. */
    public void delete(ClientId id, Actor by) {
        boolean[] deleted = new boolean[1];
        cache.compute(id.value(), (key, old) -> {
            deleted[0] = store.delete(id, clock.instant());
            return null;
        });
        keyCache.remove(id.value());
        uriCache.remove(id.value());
        remoteKeys.forget(id);
        certificateCache.remove(id.value());
        if (!deleted[0]) {
            throw unknown(id);
        }
        auditor.record(AuditAction.CLIENT_DELETED, by, id.value(), null);
    }

    private static LatchkeyException unknown(ClientId id) {
        return LatchkeyException.notFound("No client with the clientId: " + id.value());
    }
}
