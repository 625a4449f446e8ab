package io.latchkey.core.key;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link Es256Jws}: one spelling per signature for our own keys, either s for a foreign key, Nimbus' ECDSA agreeing. */
class Es256JwsTest {
    private static final JWSHeader HEADER = new JWSHeader(JWSAlgorithm.ES256);
    private static final byte[] INPUT = "eyJhbGciOiJFUzI1NiJ9.e30".getBytes(StandardCharsets.US_ASCII);
    private static final BigInteger HALF_ORDER = Es256Jws.ORDER.shiftRight(1);

    @Test
    void everySignatureHasTheLowSAndVerifiesWithNimbus() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        Es256Jws signer = new Es256Jws(key);
        ECDSAVerifier nimbus = new ECDSAVerifier(key.toPublicJWK());

        for (int i = 0; i < 64; i++) {
            Base64URL signature = signer.sign(HEADER, INPUT);

            assertThat(s(signature)).isLessThanOrEqualTo(HALF_ORDER);
            assertThat(nimbus.verify(HEADER, INPUT, signature)).isTrue();
        }
    }

    @Test
    void ofASignatureAndItsTwinOnlyTheLowSVerifies() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        Es256Jws verifier = new Es256Jws(key.toPublicJWK());
        ECDSASigner nimbus = new ECDSASigner(key);

        for (int i = 0; i < 16; i++) {
            Base64URL signature = nimbus.sign(HEADER, INPUT);
            Base64URL twin = twin(signature);
            boolean low = s(signature).compareTo(HALF_ORDER) <= 0;

            assertThat(verifier.verify(HEADER, INPUT, signature)).isEqualTo(low);
            assertThat(verifier.verify(HEADER, INPUT, twin)).isEqualTo(!low);
        }
    }

    @Test
    void aForeignKeyVerifiesEitherSOfAJdkSignatureAndNothingElse() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        var verifier = SigningAlgorithm.publicKeyVerifier(key.toPublicJWK(), JWSAlgorithm.ES256);
        ECDSASigner nimbus = new ECDSASigner(key);

        for (int i = 0; i < 8; i++) {
            Base64URL signature = nimbus.sign(HEADER, INPUT);

            assertThat(verifier.verify(HEADER, INPUT, signature)).isTrue();
            assertThat(verifier.verify(HEADER, INPUT, twin(signature))).isTrue();
            assertThat(verifier.verify(HEADER, "other".getBytes(StandardCharsets.US_ASCII), signature)).isFalse();
            assertThat(verifier.verify(new JWSHeader(JWSAlgorithm.ES384), INPUT, signature)).isFalse();
        }
        assertThat(verifier.verify(HEADER, INPUT, Base64URL.encode(new byte[64]))).isFalse(); // CVE-2022-21449
    }

    @Test
    void aPrivateKeyStoredWithAnotherPublicKeyIsRefusedWhenTheKeyRingLoads() throws Exception {
        // (A public key off the curve never gets here: Nimbus' ECKey refuses it when parsed.)
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        ECKey mismatched = new ECKey.Builder(new ECKeyGenerator(Curve.P_256).generate().toPublicJWK()).d(key.getD()).build();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Es256Jws(mismatched))
                .isInstanceOf(com.nimbusds.jose.JOSEException.class);
    }

    @Test
    void signaturesAreTheSameForTheSameInputAsRfc6979Makes() throws Exception {
        Es256Jws signer = new Es256Jws(new ECKeyGenerator(Curve.P_256).generate());

        assertThat(signer.sign(HEADER, INPUT)).isEqualTo(signer.sign(HEADER, INPUT));
    }


    private static BigInteger s(Base64URL signature) {
        return new BigInteger(1, Arrays.copyOfRange(signature.decode(), 32, 64));
    }

    /** (r, n − s) for (r, s). */
    private static Base64URL twin(Base64URL signature) {
        byte[] bytes = signature.decode();
        byte[] twinS = Es256Jws.ORDER.subtract(s(signature)).toByteArray();
        Arrays.fill(bytes, 32, 64, (byte) 0);
        int length = Math.min(twinS.length, 32);
        System.arraycopy(twinS, twinS.length - length, bytes, 64 - length, length);
        return Base64URL.encode(bytes);
    }
}
