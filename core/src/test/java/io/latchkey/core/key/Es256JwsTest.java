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

/** {@link Es256Jws}: one spelling per signature, the low s, and Nimbus' ECDSA underneath. */
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
