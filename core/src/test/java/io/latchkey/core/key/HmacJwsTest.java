package io.latchkey.core.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeyLengthException;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HmacJwsTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @ParameterizedTest
    @ValueSource(strings = {"HS256", "HS512"})
    void whatItSignsNimbusVerifiesAndWhatNimbusSignsItVerifies(String name) throws Exception {
        JWSAlgorithm algorithm = JWSAlgorithm.parse(name);
        byte[] secret = secret(algorithm);
        HmacJws hmac = new HmacJws(algorithm, secret);

        JWTClaimsSet claims = claims();
        SignedJWT ours = token(algorithm, claims);
        ours.sign(hmac);
        SignedJWT theirs = token(algorithm, claims);
        theirs.sign(new MACSigner(secret));

        assertThat(SignedJWT.parse(ours.serialize()).verify(new MACVerifier(secret))).isTrue();
        assertThat(SignedJWT.parse(theirs.serialize()).verify(hmac)).isTrue();
        assertThat(ours.getSignature()).isEqualTo(theirs.getSignature()); // same input, same key: same tag
    }

    @ParameterizedTest
    @ValueSource(strings = {"HS256", "HS512"})
    void aTokenSignedWithAnotherKeyOrAlteredDoesNotVerify(String name) throws Exception {
        JWSAlgorithm algorithm = JWSAlgorithm.parse(name);
        HmacJws hmac = new HmacJws(algorithm, secret(algorithm));
        SignedJWT otherKey = token(algorithm);
        otherKey.sign(new MACSigner(secret(algorithm)));
        SignedJWT signed = token(algorithm);
        signed.sign(hmac);
        String[] parts = signed.serialize().split("\\.");
        SignedJWT otherClaims = token(algorithm);
        otherClaims.sign(hmac);
        String spliced = parts[0] + "." + otherClaims.serialize().split("\\.")[1] + "." + parts[2];

        assertThat(SignedJWT.parse(otherKey.serialize()).verify(hmac)).isFalse();
        assertThat(SignedJWT.parse(spliced).verify(hmac)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"HS256", "HS512"})
    void aHeaderOfAnotherAlgorithmOrWithCriticalExtensionsIsRefused(String name) throws Exception {
        JWSAlgorithm algorithm = JWSAlgorithm.parse(name);
        JWSAlgorithm other = algorithm.equals(JWSAlgorithm.HS256) ? JWSAlgorithm.HS512 : JWSAlgorithm.HS256;
        byte[] secret = new byte[64];
        RANDOM.nextBytes(secret);
        HmacJws hmac = new HmacJws(algorithm, secret);
        SignedJWT wrongAlgorithm = new SignedJWT(new JWSHeader.Builder(other).build(), claims());
        wrongAlgorithm.sign(new MACSigner(secret));
        SignedJWT critical = new SignedJWT(new JWSHeader.Builder(algorithm).criticalParams(Set.of("exp"))
                .customParam("exp", 1).build(), claims());
        critical.sign(new MACSigner(secret));

        assertThat(wrongAlgorithm.verify(hmac)).isFalse();
        assertThat(critical.verify(hmac)).isFalse();
        assertThatThrownBy(() -> token(other).sign(hmac)).isInstanceOf(JOSEException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HS256", "HS512"})
    void aKeyShorterThanTheHashIsRefused(String name) {
        JWSAlgorithm algorithm = JWSAlgorithm.parse(name);
        byte[] shortKey = new byte[secret(algorithm).length - 1];

        assertThatThrownBy(() -> new HmacJws(algorithm, shortKey)).isInstanceOf(KeyLengthException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HS256", "HS512"})
    void threadsSigningAtOnceEachGetTheRightTag(String name) throws Exception {
        JWSAlgorithm algorithm = JWSAlgorithm.parse(name);
        byte[] secret = secret(algorithm);
        HmacJws hmac = new HmacJws(algorithm, secret);
        MACVerifier reference = new MACVerifier(secret);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    for (int n = 0; n < 500; n++) {
                        SignedJWT jwt = token(algorithm);
                        jwt.sign(hmac);
                        if (!jwt.verify(reference) || !jwt.verify(hmac)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] secret(JWSAlgorithm algorithm) {
        byte[] secret = new byte[algorithm.equals(JWSAlgorithm.HS256) ? 32 : 64];
        RANDOM.nextBytes(secret);
        return secret;
    }

    private static SignedJWT token(JWSAlgorithm algorithm) {
        return token(algorithm, claims());
    }

    private static SignedJWT token(JWSAlgorithm algorithm, JWTClaimsSet claims) {
        return new SignedJWT(new JWSHeader.Builder(algorithm).type(new JOSEObjectType("at+jwt")).keyID("k1").build(),
                claims);
    }

    private static JWTClaimsSet claims() {
        return new JWTClaimsSet.Builder().issuer("https://auth.example.com").subject("c-" + RANDOM.nextInt())
                .jwtID(Long.toHexString(RANDOM.nextLong())).build();
    }
}
