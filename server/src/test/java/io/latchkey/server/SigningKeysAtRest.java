package io.latchkey.server;

import com.nimbusds.jose.jwk.JWK;
import io.latchkey.core.key.KeyPurpose;
import io.latchkey.core.key.KeySealer;
import io.latchkey.core.key.StoredKey;
import io.latchkey.server.config.MasterKey;
import io.latchkey.store.jdbc.Database;
import io.latchkey.store.jdbc.DatabaseSettings;
import io.latchkey.store.jdbc.Databases;
import io.latchkey.store.jdbc.JdbcKeyStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * A running {@link TestServer}'s current signing keys, read from its store and unsealed with the
 * {@code master.key} of its data dir: what an insider holding the data dir has. Tests use them
 * to mint tokens that are correctly signed and wrong in exactly one claim, so that a refusal
 * proves the claim check works, not merely the signature check.
 */
record SigningKeysAtRest(JWK accessTokenKey, JWK refreshTokenKey, JWK pepper) {

    static SigningKeysAtRest of(TestServer server) {
        byte[] masterKey;
        try {
            masterKey = MasterKey.load(null, server.dataDir(), new SecureRandom());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KeySealer sealer = new KeySealer(masterKey);
        try (Database database = Databases.open(new DatabaseSettings(server.storeUrl(), "postgres", null, 2,
                Duration.ofSeconds(10), Duration.ofSeconds(10)))) {
            List<StoredKey> keys = new JdbcKeyStore(database).list();
            return new SigningKeysAtRest(
                    sealer.unseal(current(keys, KeyPurpose.ACCESS_TOKEN).kid(),
                            current(keys, KeyPurpose.ACCESS_TOKEN).sealedJwk()),
                    sealer.unseal(current(keys, KeyPurpose.REFRESH_TOKEN).kid(),
                            current(keys, KeyPurpose.REFRESH_TOKEN).sealedJwk()),
                    sealer.unseal(current(keys, KeyPurpose.SECRET_PEPPER).kid(),
                            current(keys, KeyPurpose.SECRET_PEPPER).sealedJwk()));
        } catch (Exception e) {
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        }
    }

    private static StoredKey current(List<StoredKey> keys, KeyPurpose purpose) {
        return keys.stream()
                .filter(key -> key.purpose() == purpose && key.retiredAt() == null)
                .max(Comparator.comparing(StoredKey::createdAt))
                .orElseThrow(() -> new IllegalStateException("no current " + purpose + " key in the store"));
    }
}
