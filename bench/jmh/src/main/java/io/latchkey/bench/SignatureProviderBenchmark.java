package io.latchkey.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import io.latchkey.core.key.SigningAlgorithm;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Set;
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
 * One ES256 or EdDSA signature and one verification of a token-sized signing input, per
 * implementation, to choose who signs and verifies (issue 19):
 * <ul>
 *   <li>{@code jdk} — the JDK's providers (SunEC): Nimbus' {@code ECDSASigner}/{@code
 *       ECDSAVerifier} for ES256, {@code Signature.getInstance("Ed25519")} for EdDSA;</li>
 *   <li>{@code bc-jca} — the same through BouncyCastle's JCA provider (for ES256 set on Nimbus'
 *       {@code JCAContext});</li>
 *   <li>{@code server} — what {@code SigningAlgorithm} picks: for ES256 BouncyCastle's
 *       lightweight {@code ECDSASigner} on its P-256 field arithmetic, signing from the
 *       fixed-point comb table with the RFC 6979 nonce, verifying against a public point decoded
 *       once; for EdDSA BouncyCastle's {@code Ed25519} from its precomputed base-point table.</li>
 * </ul>
 * Run: {@code java -jar bench/jmh/target/benchmarks.jar SignatureProviderBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 4, time = 2)
public class SignatureProviderBenchmark {
    private static final Provider BC = new BouncyCastleProvider();
    /** About the signing input of an access token: header and claims, base64url. */
    private static final byte[] INPUT = ("eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiYXQrand0In0."
            + "x".repeat(300)).getBytes(StandardCharsets.US_ASCII);

    @Param({"ES256", "EdDSA"})
    public String alg;

    @Param({"jdk", "bc-jca", "server"})
    public String impl;

    private JWSHeader header;
    private JWSSigner signer;
    private JWSVerifier verifier;
    private Base64URL signature;

    @Setup
    public void setUp() throws Exception {
        header = new JWSHeader(JWSAlgorithm.parse(alg));
        if (alg.equals("ES256")) {
            ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
            switch (impl) {
                case "server" -> {
                    signer = SigningAlgorithm.ES256.signerOf(key);
                    verifier = SigningAlgorithm.publicKeyVerifier(key.toPublicJWK(), JWSAlgorithm.ES256);
                }
                default -> {
                    signer = new ECDSASigner(key);
                    verifier = new ECDSAVerifier(key.toPublicJWK());
                    if (impl.equals("bc-jca")) {
                        signer.getJCAContext().setProvider(BC);
                        verifier.getJCAContext().setProvider(BC);
                    }
                }
            }
        } else {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] pub = pair.getPublic().getEncoded();
            byte[] priv = pair.getPrivate().getEncoded();
            if (impl.equals("server")) {
                OctetKeyPair okp = new OctetKeyPair.Builder(Curve.Ed25519,
                        Base64URL.encode(Arrays.copyOfRange(pub, pub.length - 32, pub.length)))
                        .d(Base64URL.encode(Arrays.copyOfRange(priv, priv.length - 32, priv.length))).keyID("k").build();
                signer = SigningAlgorithm.EdDSA.signerOf(okp);
                verifier = SigningAlgorithm.publicKeyVerifier(okp.toPublicJWK(), JWSAlgorithm.EdDSA);
            } else {
                Provider provider = impl.equals("bc-jca") ? BC : null;
                KeyFactory factory = provider == null ? KeyFactory.getInstance("Ed25519")
                        : KeyFactory.getInstance("Ed25519", provider);
                JcaEd25519 jca = new JcaEd25519(provider, factory.generatePrivate(new PKCS8EncodedKeySpec(priv)),
                        factory.generatePublic(new X509EncodedKeySpec(pub)));
                signer = jca;
                verifier = jca;
            }
        }
        signature = sign();
        if (!verify()) {
            throw new IllegalStateException(impl + " refused its own " + alg + " signature");
        }
    }

    @Benchmark
    public Base64URL sign() throws JOSEException {
        return signer.sign(header, INPUT);
    }

    @Benchmark
    public boolean verify() throws JOSEException {
        return verifier.verify(header, INPUT, signature);
    }
}
