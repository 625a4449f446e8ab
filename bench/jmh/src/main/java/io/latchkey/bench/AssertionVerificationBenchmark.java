package io.latchkey.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.Auditor;
import io.latchkey.core.auth.Caller;
import io.latchkey.core.auth.Credential;
import io.latchkey.core.auth.PrivateKeyJwtAuthentication;
import io.latchkey.core.client.Client;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.ClientJwks;
import io.latchkey.core.client.ClientRegistry;
import io.latchkey.core.client.ClientStore;
import io.latchkey.core.client.Scopes;
import io.latchkey.core.key.SigningAlgorithm;
import io.latchkey.core.secret.SecretGenerator;
import io.latchkey.core.secret.SecretHasher;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
 * Checking one {@code private_key_jwt} client assertion (RFC 7523), per algorithm:
 * <ul>
 *   <li>{@code server} — what the token endpoint runs: {@code PrivateKeyJwtAuthentication}
 *       parsing the assertion, finding the client's key (cached), building a verifier, checking
 *       the signature and claims; the {@code jti} goes to an in-memory set, not the store;</li>
 *   <li>{@code jdk} / {@code bc} — parse and signature alone, through Nimbus' verifiers on the
 *       JDK's providers or on BouncyCastle's (for EdDSA: the JDK's {@code Ed25519}, or
 *       BouncyCastle's {@code Ed25519} as {@code Ed25519Jws} calls it).</li>
 * </ul>
 * Run: {@code java -jar bench/jmh/target/benchmarks.jar AssertionVerificationBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 4, time = 2)
public class AssertionVerificationBenchmark {
    private static final String ISSUER = "https://auth.bench.example";
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    @Param({"ES256", "EdDSA", "RS256", "PS256"})
    public String alg;

    @Param({"server", "jdk", "bc"})
    public String impl;

    private PrivateKeyJwtAuthentication authentication;
    private Credential.ClientAssertion credential;
    private String assertion;
    private JWK publicKey;
    private PublicKey jdkEd25519;

    @Setup
    public void setUp() throws Exception {
        JWSAlgorithm algorithm = JWSAlgorithm.parse(alg);
        String clientId = new SecretGenerator(new SecureRandom()).id();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(clientId).subject(clientId)
                .audience(ISSUER + "/oauth2/token").expirationTime(Date.from(Instant.now().plusSeconds(280)))
                .jwtID(UUID.randomUUID().toString()).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID("k").build(), claims);
        if (algorithm.equals(JWSAlgorithm.EdDSA)) {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] encoded = pair.getPublic().getEncoded();
            publicKey = new OctetKeyPair.Builder(Curve.Ed25519,
                    Base64URL.encode(Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length))).keyID("k").build();
            jdkEd25519 = java.security.KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(pair.getPrivate());
            signer.update(jwt.getSigningInput());
            assertion = jwt.getHeader().toBase64URL() + "." + jwt.getPayload().toBase64URL() + "."
                    + Base64URL.encode(signer.sign());
        } else if (algorithm.equals(JWSAlgorithm.ES256)) {
            ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
            jwt.sign(new ECDSASigner(key));
            publicKey = key.toPublicJWK();
            assertion = jwt.serialize();
        } else {
            RSAKey key = new RSAKeyGenerator(2048).keyID("k").generate();
            jwt.sign(new RSASSASigner(key));
            publicKey = key.toPublicJWK();
            assertion = jwt.serialize();
        }
        credential = new Credential.ClientAssertion(clientId, assertion);
        authentication = serverPath(clientId, new ClientJwks(new JWKSet(publicKey)));
        if (check() == null) {
            throw new IllegalStateException(impl + " refused a good " + alg + " assertion");
        }
    }

    @Benchmark
    public Object check() throws Exception {
        switch (impl) {
            case "server":
                Caller caller = authentication.authenticate(credential);
                return caller;
            case "jdk":
                return verified(jdkVerifier()) ? Boolean.TRUE : null;
            default:
                return verified(bcVerifier()) ? Boolean.TRUE : null;
        }
    }

    private boolean verified(JWSVerifier verifier) throws Exception {
        return SignedJWT.parse(assertion).verify(verifier);
    }

    private JWSVerifier jdkVerifier() throws JOSEException {
        if (publicKey instanceof OctetKeyPair) {
            return new JdkEd25519Verifier(jdkEd25519);
        }
        return publicKey instanceof ECKey ec ? new ECDSAVerifier(ec) : new RSASSAVerifier((RSAKey) publicKey);
    }

    private JWSVerifier bcVerifier() throws JOSEException {
        if (publicKey instanceof OctetKeyPair okp) {
            return SigningAlgorithm.ed25519Verifier(okp);
        }
        JWSVerifier verifier = publicKey instanceof ECKey ec ? new ECDSAVerifier(ec) : new RSASSAVerifier((RSAKey) publicKey);
        verifier.getJCAContext().setProvider(BC);
        return verifier;
    }

    /** The server's authentication over a one-client in-memory registry and an in-memory jti set. */
    private static PrivateKeyJwtAuthentication serverPath(String clientId, ClientJwks keys) {
        SecureRandom random = new SecureRandom();
        SecretGenerator ids = new SecretGenerator(random);
        Clock clock = Clock.systemUTC();
        Client client = new Client(new ClientId(clientId), "bench", null, Scopes.NONE, "unused", null, null, clock.instant());
        ClientStore store = new ClientStore() {
            @Override
            public void insert(Client c) {
            }

            @Override
            public Optional<Client> find(ClientId id) {
                return id.value().equals(clientId) ? Optional.of(client) : Optional.empty();
            }

            @Override
            public Optional<ClientJwks> findKeys(ClientId id) {
                return id.value().equals(clientId) ? Optional.of(keys) : Optional.empty();
            }

            @Override
            public List<Client> list(String partnerId) {
                return List.of(client);
            }

            @Override
            public boolean updateSecret(Client c, String expectedSecretHash) {
                return false;
            }

            @Override
            public boolean updateSettings(Client c, String expectedSecretHash) {
                return false;
            }

            @Override
            public boolean delete(ClientId id) {
                return false;
            }
        };
        AuditLog noAudit = new AuditLog() {
            @Override
            public void append(io.latchkey.core.audit.AuditEvent event) {
            }

            @Override
            public List<io.latchkey.core.audit.AuditEvent> find(io.latchkey.core.audit.AuditQuery query) {
                return List.of();
            }
        };
        ClientRegistry registry = new ClientRegistry(store, new SecretHasher(new byte[32]), ids, clock,
                new Auditor(noAudit, ids, clock));
        Map<String, Boolean> seen = new ConcurrentHashMap<>();
        // Every call presents the same assertion: the benchmark measures the checks, not a replay.
        return new PrivateKeyJwtAuthentication(registry, (id, jti, until) -> seen.put(id + jti, true) != null || true,
                Set.of(ISSUER, ISSUER + "/oauth2/token"), clock);
    }

    /** EdDSA with the JDK's own Ed25519 (JEP 339). */
    private static final class JdkEd25519Verifier implements JWSVerifier {
        private final PublicKey key;
        private final JCAContext context = new JCAContext();

        JdkEd25519Verifier(PublicKey key) {
            this.key = key;
        }

        @Override
        public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
            try {
                Signature verifier = Signature.getInstance("Ed25519");
                verifier.initVerify(key);
                verifier.update(signingInput);
                return verifier.verify(signature.decode());
            } catch (java.security.GeneralSecurityException e) {
                throw new JOSEException(e.getMessage(), e);
            }
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return Set.of(JWSAlgorithm.EdDSA);
        }

        @Override
        public JCAContext getJCAContext() {
            return context;
        }
    }
}
