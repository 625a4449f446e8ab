package io.latchkey.bench;

import com.nimbusds.jose.jwk.JWKSet;
import io.latchkey.core.client.Client;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.Scopes;
import io.latchkey.core.key.KeyPurpose;
import io.latchkey.core.key.KeySealer;
import io.latchkey.core.key.KeyService;
import io.latchkey.core.key.KeyStore;
import io.latchkey.core.key.SigningAlgorithm;
import io.latchkey.core.key.SigningKey;
import io.latchkey.core.key.StoredKey;
import io.latchkey.core.secret.SecretGenerator;
import io.latchkey.core.token.TokenIssuer;
import io.latchkey.core.token.TokenSettings;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An access token exactly as a Latchkey server issues it — minted by the server's own
 * {@link TokenIssuer} and key ring, on an in-memory key store — and the JWK set an API verifies it
 * with, as {@code GET /admin/keys/access-token} would answer it.
 */
final class ServerTokens {
    static final String ISSUER = "https://auth.example.com";

    final String accessToken;
    final String verificationKeys;
    final KeyService keys;
    final TokenIssuer issuer;
    final Client client;

    ServerTokens(SigningAlgorithm algorithm) {
        SecureRandom random = new SecureRandom();
        Clock clock = Clock.systemUTC();
        byte[] masterKey = new byte[32];
        random.nextBytes(masterKey);
        Duration accessTtl = Duration.ofHours(1);
        this.keys = new KeyService(new MemoryKeyStore(), new KeySealer(masterKey), random, clock, algorithm,
                accessTtl, Duration.ofDays(30));
        keys.load();
        SecretGenerator ids = new SecretGenerator(random);
        this.issuer = new TokenIssuer(keys, new TokenSettings(ISSUER, List.of(ISSUER), accessTtl,
                Duration.ofDays(30)), ids, clock);
        this.client = new Client(new ClientId(ids.id()), "TestSystem", null, Scopes.of(List.of("orders:read")),
                "not-used", null, null, clock.instant());
        this.accessToken = issuer.issueNewFamily(client, client.scopes()).accessToken();
        List<com.nimbusds.jose.jwk.JWK> jwks = keys.ring().accessTokenKeys(clock.instant(), accessTtl).stream()
                .map(SigningKey::verificationJwk).toList();
        this.verificationKeys = new JWKSet(jwks).toString(false);
    }

    /** The server's {@link KeyStore}, minus the database. */
    private static final class MemoryKeyStore implements KeyStore {
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
}
