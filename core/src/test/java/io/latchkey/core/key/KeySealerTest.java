package io.latchkey.core.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class KeySealerTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void unsealingGivesBackTheSealedKey() throws Exception {
        KeySealer sealer = new KeySealer(masterKey());
        JWK key = new OctetSequenceKeyGenerator(512).keyID("kid-1").algorithm(JWSAlgorithm.HS512).generate();

        String sealed = sealer.seal("kid-1", key);

        assertThat(sealer.unseal("kid-1", sealed)).isEqualTo(key);
    }

    @Test
    void anAsymmetricKeyKeepsItsPrivatePart() throws Exception {
        KeySealer sealer = new KeySealer(masterKey());
        JWK key = new ECKeyGenerator(Curve.P_256).keyID("kid-ec").generate();

        JWK unsealed = sealer.unseal("kid-ec", sealer.seal("kid-ec", key));

        assertThat(unsealed.isPrivate()).isTrue();
        assertThat(unsealed).isEqualTo(key);
    }

    @Test
    void theSealedFormDoesNotHoldTheKeyInTheClear() throws Exception {
        KeySealer sealer = new KeySealer(masterKey());
        var key = new OctetSequenceKeyGenerator(256).keyID("kid-1").generate();

        String sealed = sealer.seal("kid-1", key);

        assertThat(sealed).doesNotContain(key.getKeyValue().toString());
        assertThat(sealed.split("\\.")).hasSize(5); // compact JWE
    }

    @Test
    void anotherMasterKeyCannotUnseal() throws Exception {
        JWK key = new OctetSequenceKeyGenerator(256).keyID("kid-1").generate();
        String sealed = new KeySealer(masterKey()).seal("kid-1", key);

        assertThatThrownBy(() -> new KeySealer(masterKey()).unseal("kid-1", sealed))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("LATCHKEY_MASTER_KEY");
    }

    @Test
    void aKeySealedForOneKidCannotBeUnsealedAsAnother() throws Exception {
        KeySealer sealer = new KeySealer(masterKey());
        String sealed = sealer.seal("kid-1", new OctetSequenceKeyGenerator(256).keyID("kid-1").generate());

        assertThatThrownBy(() -> sealer.unseal("kid-2", sealed)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aTamperedSealFailsToUnseal() throws Exception {
        KeySealer sealer = new KeySealer(masterKey());
        String sealed = sealer.seal("kid-1", new OctetSequenceKeyGenerator(256).keyID("kid-1").generate());
        String[] parts = sealed.split("\\.");
        char[] ciphertext = parts[3].toCharArray();
        ciphertext[0] = ciphertext[0] == 'A' ? 'B' : 'A';
        parts[3] = new String(ciphertext);

        assertThatThrownBy(() -> sealer.unseal("kid-1", String.join(".", parts)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theMasterKeyMustBeExactly256Bits() {
        assertThatThrownBy(() -> new KeySealer(new byte[16])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KeySealer(new byte[33])).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] masterKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }
}
