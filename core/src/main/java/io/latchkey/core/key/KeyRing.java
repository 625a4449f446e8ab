package io.latchkey.core.key;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable snapshot of every usable key: per purpose the current one, which signs, and the
 * retired ones still kept to verify tokens they signed before a rotation. A rotation builds a new
 * ring and swaps it in whole, so a reader never sees half a rotation.
 */
public final class KeyRing {
    private final Map<KeyPurpose, SigningKey> current;
    private final Map<KeyPurpose, Map<String, SigningKey>> byKid;

    KeyRing(Collection<SigningKey> keys) {
        this.current = new EnumMap<>(KeyPurpose.class);
        this.byKid = new EnumMap<>(KeyPurpose.class);
        for (SigningKey key : keys) {
            byKid.computeIfAbsent(key.purpose(), p -> new HashMap<>()).put(key.kid(), key);
            if (key.retiredAt().isEmpty()) {
                SigningKey other = current.get(key.purpose());
                if (other == null || key.createdAt().isAfter(other.createdAt())) {
                    current.put(key.purpose(), key);
                }
            }
        }
    }

    /** The key that signs new tokens of {@code purpose}. */
    public SigningKey current(KeyPurpose purpose) {
        SigningKey key = current.get(purpose);
        if (key == null) {
            throw new IllegalStateException("no current " + purpose.storedName() + " key");
        }
        return key;
    }

    /** A current or retained key of {@code purpose} by its id. */
    public Optional<SigningKey> find(KeyPurpose purpose, String kid) {
        if (kid == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(byKid.getOrDefault(purpose, Map.of()).get(kid));
    }

    /**
     * The access-token keys a verifier may meet at {@code now}: the current one and those retired
     * less than {@code retention} ago, ordered by key id.
     */
    public List<SigningKey> accessTokenKeys(Instant now, java.time.Duration retention) {
        List<SigningKey> keys = new ArrayList<>();
        for (SigningKey key : byKid.getOrDefault(KeyPurpose.ACCESS_TOKEN, Map.of()).values()) {
            if (key.retiredAt().map(at -> at.plus(retention).isAfter(now)).orElse(true)) {
                keys.add(key);
            }
        }
        keys.sort((a, b) -> a.kid().compareTo(b.kid()));
        return keys;
    }

    /** The public halves of {@link #accessTokenKeys} (RFC 7517). Empty for HS256. */
    public JWKSet publicKeys(Instant now, java.time.Duration retention) {
        List<JWK> jwks = new ArrayList<>();
        for (SigningKey key : accessTokenKeys(now, retention)) {
            key.publicJwk().ifPresent(jwks::add);
        }
        return new JWKSet(jwks);
    }

    Collection<SigningKey> all() {
        List<SigningKey> all = new ArrayList<>();
        byKid.values().forEach(m -> all.addAll(m.values()));
        return all;
    }
}
