package io.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.client.TokenRejectedException.Reason;
import io.latchkey.core.key.SigningAlgorithm;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An ECDSA signature (r, s) has a twin, (r, n − s), that verifies the same token under the same
 * key. The verifier takes the low s only (s ≤ n/2), as the server signs, so a token has one
 * spelling at the API as at the server.
 */
class SignatureMalleabilityTest {
    /** The order n of P-256's base point (SEC 2 §2.4.2). */
    private static final BigInteger P256_ORDER =
            new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    private static Latchkey latchkey;
    private static Latchkey.Client client;

    @BeforeAll
    static void start() {
        latchkey = Latchkey.start(SigningAlgorithm.ES256);
        client = latchkey.createClient("TestSystem");
    }

    @AfterAll
    static void stop() {
        latchkey.close();
    }

    @Test
    void anEs256TokenWithTheHighSOfItsSignatureIsRejectedAndTheLowSVerifies() throws Exception {
        TokenVerifier verifier = TokenVerifier.builder(latchkey.url()).issuer(latchkey.issuer())
                .clock(latchkey.clock()).build();
        String token = latchkey.accessToken(client);
        String twin = withSignatureTwin(token);
        boolean issuedLow = s(token).compareTo(P256_ORDER.shiftRight(1)) <= 0;
        String low = issuedLow ? token : twin;
        String high = issuedLow ? twin : token;

        assertThat(verifier.verify(low).clientId()).isEqualTo(client.id());
        assertThatThrownBy(() -> verifier.verify(high))
                .isInstanceOfSatisfying(TokenRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE));
    }

    private static BigInteger s(String token) {
        byte[] signature = Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1));
        return new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
    }

    /** {@code token} with its ES256 signature {@code R || S} (RFC 7518 §3.4) replaced by {@code R || n − S}. */
    private static String withSignatureTwin(String token) {
        int dot = token.lastIndexOf('.');
        byte[] signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        byte[] twinS = P256_ORDER.subtract(s(token)).toByteArray();
        byte[] twin = Arrays.copyOf(signature, 64);
        Arrays.fill(twin, 32, 64, (byte) 0);
        int length = Math.min(twinS.length, 32); // toByteArray may lead with a sign byte
        System.arraycopy(twinS, twinS.length - length, twin, 64 - length, length);
        return token.substring(0, dot + 1) + Base64.getUrlEncoder().withoutPadding().encodeToString(twin);
    }
}
