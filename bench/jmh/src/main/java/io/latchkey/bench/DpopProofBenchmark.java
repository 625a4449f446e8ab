package io.latchkey.bench;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.latchkey.core.dpop.DpopProof;
import io.latchkey.core.dpop.DpopProofVerifier;
import io.latchkey.core.key.SigningAlgorithm;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Checking one DPoP proof (RFC 9449 §4.3) at the token endpoint, per algorithm:
 * <ul>
 *   <li>{@code server} — {@code DpopProofVerifier.verify}: the client's key known from an earlier
 *       proof (the header's text is cached), signature, claims, {@code jti} into the replay
 *       window; every call a proof of its own (a pool made beforehand, signed at one instant, the
 *       verifier's clock fixed there);</li>
 *   <li>{@code jdk} / {@code bc-jca} / {@code bc} — the proof's signature alone, with the key's
 *       verifier made once: Nimbus' on the JDK's providers, on BouncyCastle's JCA provider, and
 *       what {@code SigningAlgorithm.publicKeyVerifier} picks (BouncyCastle's lightweight ECDSA
 *       and Ed25519; the JDK for RSA).</li>
 * </ul>
 * Run: {@code java -jar bench/jmh/target/benchmarks.jar DpopProofBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 4, time = 2)
public class DpopProofBenchmark {
    private static final Provider BC = new BouncyCastleProvider();
    private static final String HTU = "https://auth.bench.example/oauth2/token";
    private static final int POOL = 4096;

    @Param({"ES256", "EdDSA", "RS256"})
    public String alg;

    @Param({"server", "jdk", "bc-jca", "bc"})
    public String impl;

    private Clock clock;
    private DpopProofVerifier server;
    private String[] proofs;
    private int next;
    private JWSVerifier verifier;
    private JWSHeader header;
    private byte[] input;
    private Base64URL signature;

    @Setup
    public void setUp() throws Exception {
        JWSAlgorithm algorithm = JWSAlgorithm.parse(alg);
        JWK publicKey;
        JWSSigner signer;
        JWSVerifier jdk;
        switch (alg) {
            case "ES256" -> {
                ECKey key = new ECKeyGenerator(Curve.P_256).generate();
                publicKey = key.toPublicJWK();
                signer = SigningAlgorithm.ES256.signerOf(key);
                jdk = new ECDSAVerifier(key.toPublicJWK());
            }
            case "EdDSA" -> {
                KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                byte[] pub = pair.getPublic().getEncoded();
                byte[] priv = pair.getPrivate().getEncoded();
                OctetKeyPair okp = new OctetKeyPair.Builder(Curve.Ed25519,
                        Base64URL.encode(Arrays.copyOfRange(pub, pub.length - 32, pub.length)))
                        .d(Base64URL.encode(Arrays.copyOfRange(priv, priv.length - 32, priv.length))).build();
                publicKey = okp.toPublicJWK();
                signer = SigningAlgorithm.EdDSA.signerOf(okp);
                Provider provider = impl.equals("bc-jca") ? BC : null;
                KeyFactory factory = provider == null ? KeyFactory.getInstance("Ed25519")
                        : KeyFactory.getInstance("Ed25519", provider);
                jdk = new JcaEd25519(provider, null, factory.generatePublic(new X509EncodedKeySpec(pub)));
            }
            default -> {
                RSAKey key = new RSAKeyGenerator(2048).generate();
                publicKey = key.toPublicJWK();
                signer = new RSASSASigner(key);
                jdk = new RSASSAVerifier(key.toPublicJWK());
            }
        }
        Instant now = Instant.now();
        clock = Clock.fixed(now, ZoneOffset.UTC);
        JWSHeader proofHeader = new JWSHeader.Builder(algorithm).type(new JOSEObjectType("dpop+jwt")).jwk(publicKey).build();
        proofs = new String[POOL];
        for (int i = 0; i < POOL; i++) {
            SignedJWT proof = new SignedJWT(proofHeader, new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
                    .claim("htm", "POST").claim("htu", HTU).issueTime(Date.from(now)).build());
            proof.sign(signer);
            proofs[i] = proof.serialize();
        }
        server = new DpopProofVerifier(clock, null);
        SignedJWT first = SignedJWT.parse(proofs[0]);
        header = first.getHeader();
        input = first.getSigningInput();
        signature = first.getSignature();
        verifier = switch (impl) {
            case "bc" -> SigningAlgorithm.publicKeyVerifier(publicKey, algorithm);
            case "bc-jca" -> {
                if (!(jdk instanceof JcaEd25519)) {
                    jdk.getJCAContext().setProvider(BC);
                }
                yield jdk;
            }
            default -> jdk;
        };
        if (check() == null) {
            throw new IllegalStateException(impl + " refused a good " + alg + " proof");
        }
    }

    @Benchmark
    public Object check() throws Exception {
        if (impl.equals("server")) {
            if (next == POOL) {
                next = 0;
                server = new DpopProofVerifier(clock, null); // the pool's jti were used: a fresh replay window
            }
            DpopProof proof = server.verify(proofs[next++], "POST", HTU, null, false);
            return proof;
        }
        return verifier.verify(header, input, signature) ? Boolean.TRUE : null;
    }
}
