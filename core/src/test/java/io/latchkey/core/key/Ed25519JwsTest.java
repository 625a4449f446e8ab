package io.latchkey.core.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link Ed25519Jws} against RFC 8037 and against Nimbus' own, Tink-based, Ed25519 signer and verifier. */
class Ed25519JwsTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** RFC 8037 Appendix A.1: the example key. */
    private static final OctetKeyPair RFC8037_KEY = new OctetKeyPair.Builder(Curve.Ed25519,
            new Base64URL("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"))
            .d(new Base64URL("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"))
            .build();
    /** RFC 8037 Appendix A.4: the JWS signing input of {"alg":"EdDSA"} and "Example of Ed25519 signing"... */
    private static final String RFC8037_SIGNING_INPUT = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
    /** ...and its signature; Ed25519 is deterministic (RFC 8032 §5.1.6), so it must come out byte for byte. */
    private static final String RFC8037_SIGNATURE =
            "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

    @Test
    void theRfc8037ExampleSignatureComesOutByteForByteAndVerifies() throws Exception {
        Ed25519Jws signer = new Ed25519Jws(RFC8037_KEY);
        Ed25519Jws verifier = new Ed25519Jws(RFC8037_KEY.toPublicJWK());
        JWSObject example = JWSObject.parse(RFC8037_SIGNING_INPUT + "." + RFC8037_SIGNATURE);

        Base64URL signature = signer.sign(example.getHeader(), RFC8037_SIGNING_INPUT.getBytes(StandardCharsets.US_ASCII));

        assertThat(signature.toString()).isEqualTo(RFC8037_SIGNATURE);
        assertThat(example.getPayload().toString()).isEqualTo("Example of Ed25519 signing");
        assertThat(example.verify(verifier)).isTrue();
        assertThat(JWSObject.parse(RFC8037_SIGNING_INPUT + "." + RFC8037_SIGNATURE).verify(signer)).isTrue();
    }

    @Test
    void whatItSignsNimbusVerifiesAndWhatNimbusSignsItVerifies() throws Exception {
        OctetKeyPair key = SigningAlgorithm.EdDSA.generate("k1", RANDOM).toOctetKeyPair();
        Ed25519Jws ours = new Ed25519Jws(key);
        Ed25519Jws ourVerifier = new Ed25519Jws(key.toPublicJWK());
        JWTClaimsSet claims = claims();

        SignedJWT signedByUs = token(claims);
        signedByUs.sign(ours);
        SignedJWT signedByNimbus = token(claims);
        signedByNimbus.sign(new Ed25519Signer(key));

        assertThat(SignedJWT.parse(signedByUs.serialize()).verify(new Ed25519Verifier(key.toPublicJWK()))).isTrue();
        assertThat(SignedJWT.parse(signedByNimbus.serialize()).verify(ourVerifier)).isTrue();
        assertThat(SignedJWT.parse(signedByNimbus.serialize()).verify(ours)).isTrue();
        assertThat(signedByUs.getSignature()).isEqualTo(signedByNimbus.getSignature()); // deterministic: same input, same key
    }

    @Test
    void aTokenSignedWithAnotherKeyOrAlteredDoesNotVerify() throws Exception {
        OctetKeyPair key = SigningAlgorithm.EdDSA.generate("k1", RANDOM).toOctetKeyPair();
        OctetKeyPair other = SigningAlgorithm.EdDSA.generate("k2", RANDOM).toOctetKeyPair();
        Ed25519Jws verifier = new Ed25519Jws(key.toPublicJWK());
        SignedJWT otherKey = token(claims());
        otherKey.sign(new Ed25519Signer(other));
        SignedJWT signed = token(claims());
        signed.sign(new Ed25519Jws(key));
        String[] parts = signed.serialize().split("\\.");
        SignedJWT otherClaims = token(new JWTClaimsSet.Builder().subject("someone-else").build());
        otherClaims.sign(new Ed25519Jws(key));
        String spliced = parts[0] + "." + otherClaims.serialize().split("\\.")[1] + "." + parts[2];
        byte[] flipped = signed.getSignature().decode();
        flipped[0] ^= 1;
        String bitFlipped = parts[0] + "." + parts[1] + "." + Base64URL.encode(flipped);
        String truncated = parts[0] + "." + parts[1] + "." + Base64URL.encode(new byte[63]);

        assertThat(SignedJWT.parse(signed.serialize()).verify(verifier)).isTrue();
        assertThat(SignedJWT.parse(otherKey.serialize()).verify(verifier)).isFalse();
        assertThat(SignedJWT.parse(spliced).verify(verifier)).isFalse();
        assertThat(SignedJWT.parse(bitFlipped).verify(verifier)).isFalse();
        assertThat(SignedJWT.parse(truncated).verify(verifier)).isFalse();
    }

    @Test
    void aHeaderOfAnotherAlgorithmOrWithCriticalExtensionsIsRefused() throws Exception {
        OctetKeyPair key = SigningAlgorithm.EdDSA.generate("k1", RANDOM).toOctetKeyPair();
        Ed25519Jws ours = new Ed25519Jws(key);
        byte[] input = "e30.e30".getBytes(StandardCharsets.US_ASCII);
        JWSHeader critical = new JWSHeader.Builder(JWSAlgorithm.EdDSA).criticalParams(Set.of("exp"))
                .customParam("exp", 1).build();
        Base64URL criticalSignature = new Ed25519Signer(key).sign(critical, input);

        assertThat(ours.verify(critical, input, criticalSignature)).isFalse();
        assertThat(ours.verify(new JWSHeader(JWSAlgorithm.ES256), input, criticalSignature)).isFalse();
        assertThatThrownBy(() -> ours.sign(new JWSHeader(JWSAlgorithm.ES256), input))
                .isInstanceOf(JOSEException.class);
    }

    @Test
    void aPublicKeyCannotSignAndAKeyWhosePublicHalfIsNotItsOwnIsRefused() throws Exception {
        OctetKeyPair key = SigningAlgorithm.EdDSA.generate("k1", RANDOM).toOctetKeyPair();
        OctetKeyPair other = SigningAlgorithm.EdDSA.generate("k2", RANDOM).toOctetKeyPair();
        OctetKeyPair mismatched = new OctetKeyPair.Builder(Curve.Ed25519, other.getX()).d(key.getD()).build();
        OctetKeyPair x25519 = new OctetKeyPair.Builder(Curve.X25519, key.getX()).build();
        OctetKeyPair shortKey = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(new byte[31])).build();

        assertThatThrownBy(() -> new Ed25519Jws(key.toPublicJWK()).sign(new JWSHeader(JWSAlgorithm.EdDSA), new byte[1]))
                .isInstanceOf(JOSEException.class);
        assertThatThrownBy(() -> new Ed25519Jws(mismatched)).isInstanceOf(JOSEException.class);
        assertThatThrownBy(() -> new Ed25519Jws(x25519)).isInstanceOf(JOSEException.class);
        assertThatThrownBy(() -> new Ed25519Jws(shortKey)).isInstanceOf(JOSEException.class);
    }

    @Test
    void aGeneratedKeyIsTheOkpJwkNimbusGeneratesAndNimbusSignsWithIt() throws Exception {
        JWK ours = SigningAlgorithm.EdDSA.generate("k1", RANDOM);
        OctetKeyPair nimbus = new OctetKeyPairGenerator(Curve.Ed25519).keyID("k1").algorithm(JWSAlgorithm.EdDSA)
                .keyUse(KeyUse.SIGNATURE).generate();

        assertThat(ours.toJSONObject().keySet()).isEqualTo(nimbus.toJSONObject().keySet());
        assertThat(ours.toJSONObject()).containsEntry("kty", "OKP").containsEntry("crv", "Ed25519")
                .containsEntry("alg", "EdDSA").containsEntry("use", "sig").containsEntry("kid", "k1");
        assertThat(ours.toPublicJWK().toJSONObject()).doesNotContainKey("d");
        OctetKeyPair parsed = OctetKeyPair.parse(ours.toJSONString());
        SignedJWT signed = token(claims());
        signed.sign(new Ed25519Signer(parsed)); // Tink derives the public key from d itself
        assertThat(signed.verify(new Ed25519Jws(parsed.toPublicJWK()))).isTrue();
        assertThat(signed.verify(new Ed25519Verifier(parsed.toPublicJWK()))).isTrue();
    }

    @Test
    void oneInstanceSignsAndVerifiesFromManyThreadsAtOnce() throws Exception {
        OctetKeyPair key = SigningAlgorithm.EdDSA.generate("k1", RANDOM).toOctetKeyPair();
        Ed25519Jws shared = new Ed25519Jws(key);
        Ed25519Verifier nimbus = new Ed25519Verifier(key.toPublicJWK());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("client-" + i).build();
                results.add(pool.submit(() -> {
                    SignedJWT jwt = token(claims);
                    jwt.sign(shared);
                    SignedJWT parsed = SignedJWT.parse(jwt.serialize());
                    return parsed.verify(shared) && parsed.verify(nimbus);
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void itsTextNamesNoKey() throws Exception {
        OctetKeyPair key = SigningAlgorithm.EdDSA.generate("k1", RANDOM).toOctetKeyPair();

        assertThat(new Ed25519Jws(key).toString()).doesNotContain(key.getD().toString(), key.getX().toString());
    }

    private static SignedJWT token(JWTClaimsSet claims) {
        return new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.EdDSA).type(JOSEObjectType.JWT).keyID("k1").build(),
                claims);
    }

    private static JWTClaimsSet claims() {
        return new JWTClaimsSet.Builder().issuer("https://latchkey.example").subject("partner-a")
                .claim("scope", "orders:read").build();
    }
}
