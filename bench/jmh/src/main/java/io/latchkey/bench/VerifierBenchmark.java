package io.latchkey.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.latchkey.client.TokenPrincipal;
import io.latchkey.client.TokenRejectedException;
import io.latchkey.client.TokenVerifier;
import io.latchkey.core.key.SigningAlgorithm;
import java.net.URI;
import java.text.ParseException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
 * Verifications per second per thread of one access token as the server issues it:
 * <ul>
 *   <li>{@code latchkey} — the SDK's {@link TokenVerifier}: signature, type, issuer, audience,
 *       expiry, scope;</li>
 *   <li>{@code nimbusProcessor} — Nimbus's {@link DefaultJWTProcessor} doing the same checks, the
 *       usual way to verify a JWT in Java;</li>
 *   <li>{@code nimbusBareVerify} — Nimbus's floor: {@code SignedJWT.parse} and {@code verify}
 *       with a verifier built once, no claims checked at all.</li>
 * </ul>
 * Run: {@code java -jar bench/jmh/target/benchmarks.jar VerifierBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class VerifierBenchmark {
    @Param({"HS256", "ES256"})
    public String algorithm;

    private String token;
    private TokenVerifier latchkey;
    private DefaultJWTProcessor<SecurityContext> nimbusProcessor;
    private JWSVerifier nimbusVerifier;

    @Setup
    public void setUp() throws Exception {
        ServerTokens server = new ServerTokens(SigningAlgorithm.parse(algorithm));
        token = server.accessToken;
        latchkey = TokenVerifier.builder(URI.create(ServerTokens.ISSUER)).keys(server.verificationKeys)
                .requiredScopes("orders:read").build();

        JWKSet keys = JWKSet.parse(server.verificationKeys);
        nimbusProcessor = new DefaultJWTProcessor<>();
        nimbusProcessor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        nimbusProcessor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.parse(algorithm),
                new ImmutableJWKSet<>(keys)));
        nimbusProcessor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(ServerTokens.ISSUER,
                new JWTClaimsSet.Builder().issuer(ServerTokens.ISSUER).build(),
                Set.of("sub", "client_id", "exp", "iat", "jti")));
        JWK key = keys.getKeys().get(0);
        nimbusVerifier = key instanceof OctetSequenceKey oct ? new MACVerifier(oct) : new ECDSAVerifier((ECKey) key);

        // Each contender must accept the token, or the numbers mean nothing.
        if (!latchkey().hasScope("orders:read") || nimbusProcessor() == null || !nimbusBareVerify()) {
            throw new IllegalStateException("a verifier refused the token");
        }
    }

    @Benchmark
    public TokenPrincipal latchkey() throws TokenRejectedException {
        return latchkey.verify(token);
    }

    @Benchmark
    public JWTClaimsSet nimbusProcessor() throws BadJOSEException, JOSEException, ParseException {
        return nimbusProcessor.process(token, null);
    }

    @Benchmark
    public boolean nimbusBareVerify() throws ParseException, JOSEException {
        return SignedJWT.parse(token).verify(nimbusVerifier);
    }
}
