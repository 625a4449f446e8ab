package io.latchkey.core.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import io.latchkey.core.secret.SecretGenerator;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the key ring: loads and unseals it at start-up, generates what is missing (first start,
 * or a changed {@code LATCHKEY_SIGNING_ALG}), and rotates the token-signing keys. Retired keys are
 * kept for verification until every token they signed has expired, then deleted.
 */
public final class KeyService {
    private static final Logger LOG = LoggerFactory.getLogger(KeyService.class);

    private final KeyStore store;
    private final KeySealer sealer;
    private final SecretGenerator ids;
    private final SecureRandom random;
    private final Clock clock;
    private final SigningAlgorithm accessAlgorithm;
    private final Duration accessRetention;
    private final Duration refreshRetention;
    static final String PEPPER_KID = "secret-pepper";
    static final Duration RELOAD_INTERVAL = Duration.ofSeconds(1);

    private volatile KeyRing ring;
    private long lastReloadNanos = System.nanoTime() - RELOAD_INTERVAL.toNanos();

    public KeyService(KeyStore store, KeySealer sealer, SecureRandom random, Clock clock,
                      SigningAlgorithm accessAlgorithm, Duration accessTokenTtl, Duration refreshTokenTtl) {
        this.store = store;
        this.sealer = sealer;
        this.random = random;
        this.ids = new SecretGenerator(random);
        this.clock = clock;
        this.accessAlgorithm = accessAlgorithm;
        this.accessRetention = accessTokenTtl;
        this.refreshRetention = refreshTokenTtl;
    }

    /** Loads the ring, creating the pepper and the current signing keys where missing. */
    public synchronized KeyRing load() {
        Instant now = now();
        store.deleteRetiredBefore(KeyPurpose.ACCESS_TOKEN, now.minus(accessRetention));
        store.deleteRetiredBefore(KeyPurpose.REFRESH_TOKEN, now.minus(refreshRetention));
        KeyRing loaded = unsealAll();
        ensurePepper(loaded);
        if (!hasCurrent(loaded, KeyPurpose.REFRESH_TOKEN, SigningAlgorithm.HS512)) {
            generate(KeyPurpose.REFRESH_TOKEN, SigningAlgorithm.HS512);
        }
        if (!hasCurrent(loaded, KeyPurpose.ACCESS_TOKEN, accessAlgorithm)) {
            LOG.info("Generating an {} access-token signing key", accessAlgorithm);
            generate(KeyPurpose.ACCESS_TOKEN, accessAlgorithm);
        }
        reload();
        return ring;
    }

    /**
     * Loads the ring, creating only the pepper where missing: for tools that hash secrets but sign
     * nothing ({@code latchkey apikey create --offline}). Such a tool is not configured with the
     * server's signing algorithm, so it must neither generate nor retire signing keys.
     */
    public synchronized KeyRing loadForHashing() {
        ensurePepper(unsealAll());
        reload();
        return ring;
    }

    private void ensurePepper(KeyRing loaded) {
        if (!hasCurrent(loaded, KeyPurpose.SECRET_PEPPER, SigningAlgorithm.HS256)) {
            // A fixed kid: instances starting together on an empty store agree on one pepper,
            // since only the first insert lands and every other instance then reads it.
            generate(KeyPurpose.SECRET_PEPPER, SigningAlgorithm.HS256, PEPPER_KID);
        }
    }

    public KeyRing ring() {
        return ring;
    }

    /** Re-reads the ring from the store: another instance added or retired a key. */
    public synchronized void reload() {
        ring = unsealAll();
        lastReloadNanos = System.nanoTime();
    }

    /**
     * A key of the ring by id, re-reading the store once if it is unknown (another instance may
     * just have rotated), at most once per {@link #RELOAD_INTERVAL}, so unknown kids in forged
     * tokens cannot drive the store.
     */
    public java.util.Optional<SigningKey> find(KeyPurpose purpose, String kid) {
        java.util.Optional<SigningKey> key = ring.find(purpose, kid);
        if (key.isPresent() || kid == null) {
            return key;
        }
        synchronized (this) {
            if (System.nanoTime() - lastReloadNanos >= RELOAD_INTERVAL.toNanos()) {
                reload();
            }
        }
        return ring.find(purpose, kid);
    }

    /** The pepper for {@link io.latchkey.core.secret.SecretHasher}. */
    public byte[] pepper() {
        return ring.current(KeyPurpose.SECRET_PEPPER).secretBytes();
    }

    /**
     * New access-token and refresh-token signing keys; the old ones keep verifying what they
     * signed until it expires.
     */
    public synchronized List<SigningKey> rotate() {
        String access = generate(KeyPurpose.ACCESS_TOKEN, accessAlgorithm);
        String refresh = generate(KeyPurpose.REFRESH_TOKEN, SigningAlgorithm.HS512);
        reload();
        LOG.info("Rotated signing keys: access-token key {}, refresh-token key {}", access, refresh);
        return List.of(ring.current(KeyPurpose.ACCESS_TOKEN), ring.current(KeyPurpose.REFRESH_TOKEN));
    }

    /** How long a retired access-token key stays in the JWKS. */
    public Duration accessRetention() {
        return accessRetention;
    }

    private String generate(KeyPurpose purpose, SigningAlgorithm algorithm) {
        return generate(purpose, algorithm, ids.id());
    }

    private String generate(KeyPurpose purpose, SigningAlgorithm algorithm, String kid) {
        JWK jwk;
        try {
            jwk = algorithm.generate(kid, random);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a " + algorithm + " key", e);
        }
        Instant now = now();
        if (store.insertIfAbsent(new StoredKey(kid, purpose, algorithm, sealer.seal(kid, jwk), now, null))) {
            store.retireOthers(purpose, kid, now);
        }
        return kid;
    }

    private KeyRing unsealAll() {
        List<SigningKey> keys = new ArrayList<>();
        for (StoredKey stored : store.list()) {
            keys.add(new SigningKey(stored, sealer.unseal(stored.kid(), stored.sealedJwk())));
        }
        return new KeyRing(keys);
    }

    private static boolean hasCurrent(KeyRing ring, KeyPurpose purpose, SigningAlgorithm algorithm) {
        try {
            return ring.current(purpose).algorithm() == algorithm;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
