package io.latchkey.core.key;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.jwk.JWK;
import java.text.ParseException;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals key material at rest: a compact JWE ({@code dir}, {@code A256GCM}) under the 256-bit
 * master key, with the key id bound as the JWE {@code kid} so a sealed key cannot be swapped for
 * another row's.
 */
public final class KeySealer {
    private final SecretKeySpec masterKey;

    public KeySealer(byte[] masterKey) {
        if (masterKey.length != 32) {
            throw new IllegalArgumentException("the master key must be exactly 256 bits");
        }
        this.masterKey = new SecretKeySpec(masterKey.clone(), "AES");
    }

    public String seal(String kid, JWK jwk) {
        try {
            JWEObject jwe = new JWEObject(
                    new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM).keyID(kid).build(),
                    new Payload(jwk.toJSONString()));
            jwe.encrypt(new DirectEncrypter(masterKey));
            return jwe.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot seal key " + kid, e);
        }
    }

    public JWK unseal(String kid, String sealed) {
        try {
            JWEObject jwe = JWEObject.parse(sealed);
            if (!kid.equals(jwe.getHeader().getKeyID())) {
                throw new IllegalStateException("sealed key " + kid + " was sealed for another key id");
            }
            jwe.decrypt(new DirectDecrypter(masterKey));
            return JWK.parse(jwe.getPayload().toString());
        } catch (JOSEException | ParseException e) {
            throw new IllegalStateException("cannot unseal key " + kid
                    + ": is LATCHKEY_MASTER_KEY the one this store was created with?", e);
        }
    }
}
