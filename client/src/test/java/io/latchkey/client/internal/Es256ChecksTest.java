package io.latchkey.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The SDK's two ES256 checks, BouncyCastle's (when the application has it) and the JDK's, answer
 * alike: a JDK signature verifies, its twin (r, n − s) only where either s is taken, a changed
 * input or an r or s of zero or n never, and a public key off the curve is refused.
 */
class Es256ChecksTest {
    private static final BigInteger N =
            new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
    private static final byte[] INPUT = "eyJhbGciOiJFUzI1NiJ9.e30".getBytes(StandardCharsets.US_ASCII);

    private static KeyPair p256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static byte[] sign(KeyPair pair, byte[] input) throws Exception {
        Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
        signer.initSign(pair.getPrivate());
        signer.update(input);
        return signer.sign();
    }

    private static List<SignatureCheck> checks(ECPublicKey key, boolean lowS) {
        return List.of(new BouncyCastleEs256Check(key, lowS), lowS ? JcaSignatureCheck.es256(key)
                : new JcaSignatureCheck("ES256", "SHA256withECDSAinP1363Format", key, 64));
    }

    @Test
    void bouncyCastleIsOnTheTestClassPathSoTheSdkPicksIt() throws Exception {
        assertThat(BouncyCastleEs256Check.available()).isTrue();
        assertThat(SignatureChecks.es256((ECPublicKey) p256().getPublic(), true)).isInstanceOf(BouncyCastleEs256Check.class);
    }

    @Test
    void bothChecksTakeTheLowSOfATokenAndEitherSOfAProof() throws Exception {
        KeyPair pair = p256();
        for (int i = 0; i < 16; i++) {
            byte[] signature = sign(pair, INPUT);
            byte[] twin = twin(signature);
            boolean low = s(signature).compareTo(N.shiftRight(1)) <= 0;
            for (SignatureCheck check : checks((ECPublicKey) pair.getPublic(), true)) {
                assertThat(check.verify(INPUT, INPUT.length, signature)).as(check.toString()).isEqualTo(low);
                assertThat(check.verify(INPUT, INPUT.length, twin)).as(check.toString()).isEqualTo(!low);
            }
            for (SignatureCheck check : checks((ECPublicKey) pair.getPublic(), false)) {
                assertThat(check.verify(INPUT, INPUT.length, signature)).as(check.toString()).isTrue();
                assertThat(check.verify(INPUT, INPUT.length, twin)).as(check.toString()).isTrue();
            }
        }
    }

    @Test
    void neitherCheckTakesAnotherInputAZeroOrOutOfRangeHalfOrAWrongLength() throws Exception {
        KeyPair pair = p256();
        byte[] signature = sign(pair, INPUT);
        byte[] other = Arrays.copyOf(INPUT, INPUT.length);
        other[other.length - 1] ^= 1;
        byte[] zeros = new byte[64];
        byte[] rOfN = signature.clone();
        System.arraycopy(unsigned32(N), 0, rOfN, 0, 32);
        for (SignatureCheck check : checks((ECPublicKey) pair.getPublic(), false)) {
            assertThat(check.verify(other, other.length, signature)).as(check.toString()).isFalse();
            assertThat(check.verify(INPUT, INPUT.length, zeros)).as(check.toString()).isFalse();
            assertThat(check.verify(INPUT, INPUT.length, rOfN)).as(check.toString()).isFalse();
            assertThat(check.verify(INPUT, INPUT.length, Arrays.copyOf(signature, 63))).as(check.toString()).isFalse();
        }
    }

    @Test
    void aPublicKeyOffTheCurveIsRefused() throws Exception {
        ECPublicKey key = (ECPublicKey) p256().getPublic();
        ECPoint moved = new ECPoint(key.getW().getAffineX(), key.getW().getAffineY().add(BigInteger.ONE));

        // Whichever refuses it first, the JDK's KeyFactory or BouncyCastle's point check, no check is made.
        assertThatThrownBy(() -> new BouncyCastleEs256Check((ECPublicKey) java.security.KeyFactory.getInstance("EC")
                .generatePublic(new ECPublicKeySpec(moved, key.getParams())), true))
                .isInstanceOfAny(IllegalArgumentException.class, java.security.spec.InvalidKeySpecException.class);
    }

    private static BigInteger s(byte[] signature) {
        return new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
    }

    private static byte[] twin(byte[] signature) {
        byte[] twin = signature.clone();
        System.arraycopy(unsigned32(N.subtract(s(signature))), 0, twin, 32, 32);
        return twin;
    }

    private static byte[] unsigned32(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] fixed = new byte[32];
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, fixed, 32 - length, length);
        return fixed;
    }
}
