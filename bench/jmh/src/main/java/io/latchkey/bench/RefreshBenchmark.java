package io.latchkey.bench;

import io.latchkey.core.api.ApiRegistry;
import io.latchkey.core.audit.Actor;
import io.latchkey.core.audit.Auditor;
import io.latchkey.core.auth.Caller;
import io.latchkey.core.client.Client;
import io.latchkey.core.client.ClientRegistry;
import io.latchkey.core.client.Scopes;
import io.latchkey.core.key.KeySealer;
import io.latchkey.core.key.KeyService;
import io.latchkey.core.key.SigningAlgorithm;
import io.latchkey.core.secret.SecretGenerator;
import io.latchkey.core.secret.SecretHasher;
import io.latchkey.core.token.ConsumeResult;
import io.latchkey.core.token.RefreshTokenRotation;
import io.latchkey.core.token.RevocationList;
import io.latchkey.core.token.TokenIssuer;
import io.latchkey.core.token.TokenSettings;
import io.latchkey.core.token.TokenVerifier;
import io.latchkey.store.jdbc.JdbcApiStore;
import io.latchkey.store.jdbc.JdbcAuditLog;
import io.latchkey.store.jdbc.JdbcClientStore;
import io.latchkey.store.jdbc.JdbcKeyStore;
import io.latchkey.store.jdbc.JdbcRevocationStore;
import io.latchkey.store.jdbc.SqliteDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable refresh-token consumption on the embedded store (SQLite, WAL, {@code synchronous=FULL},
 * group commit), from one thread and from eight at once:
 * <ul>
 *   <li>{@code consume} — {@code JdbcRevocationStore.consumeRefreshToken} of a fresh jti: one
 *       fsynced write;</li>
 *   <li>{@code rotate} — {@code RefreshTokenRotation.refresh}, the whole grant: verify the token,
 *       consume it, sign its successors; each call refreshes the token the previous one returned.</li>
 * </ul>
 * With one thread every write waits for its own fsync; with eight, writes queued behind a commit
 * share the next one. The database lives in a new directory under {@code -Dlatchkey.bench.dir}
 * (default: the system's temporary directory); put it on the disk you want measured, not tmpfs,
 * where an fsync costs nothing.
 *
 * <p>Run: {@code java -jar bench/jmh/target/benchmarks.jar RefreshBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RefreshBenchmark {
    private static final String ISSUER = "https://auth.example.com";
    private static final Instant FAR_FUTURE = Instant.parse("2100-01-01T00:00:00Z");

    private Path directory;
    private SqliteDatabase database;
    private JdbcRevocationStore store;
    private TokenIssuer issuer;
    private RefreshTokenRotation rotation;
    private Client client;
    private final AtomicLong jtis = new AtomicLong();

    /** Each thread refreshes its own family: the token the last call returned. */
    @State(Scope.Thread)
    public static class Family {
        String refreshToken;

        @Setup(Level.Iteration)
        public void start(RefreshBenchmark bench) {
            refreshToken = bench.issuer.issueNewFamily(bench.client, bench.client.scopes()).refreshToken();
        }
    }

    /** The pipeline's refresh flow: no client authenticates, the refresh token is the credential. */
    private static final Actor BENCH = new Actor(new Caller.Anonymous(), "bench");

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        directory = Files.createTempDirectory(Path.of(System.getProperty("latchkey.bench.dir",
                System.getProperty("java.io.tmpdir"))), "latchkey-refresh-bench");
        database = SqliteDatabase.open(directory.resolve("latchkey.db"));
        SecureRandom random = new SecureRandom();
        Clock clock = Clock.systemUTC();
        byte[] masterKey = new byte[32];
        random.nextBytes(masterKey);
        Duration accessTtl = Duration.ofMinutes(15);
        Duration refreshTtl = Duration.ofDays(30);
        KeyService keys = new KeyService(new JdbcKeyStore(database), new KeySealer(masterKey), random, clock,
                SigningAlgorithm.HS256, accessTtl, refreshTtl);
        keys.load();
        SecretGenerator ids = new SecretGenerator(random);
        Auditor auditor = new Auditor(new JdbcAuditLog(database), ids, clock);
        ClientRegistry clients = new ClientRegistry(new JdbcClientStore(database), new SecretHasher(keys.pepper()),
                ids, clock, auditor);
        client = clients.create("bench", null, Scopes.of(List.of("orders:read")), BENCH).client();
        store = new JdbcRevocationStore(database);
        TokenSettings settings = new TokenSettings(ISSUER, List.of(ISSUER), accessTtl, refreshTtl);
        RevocationList revocations = new RevocationList(store, settings, clock);
        revocations.load();
        issuer = new TokenIssuer(keys, settings, ids, clock);
        rotation = new RefreshTokenRotation(clients, issuer, new TokenVerifier(keys, ISSUER, clock), revocations,
                store, auditor, new ApiRegistry(new JdbcApiStore(database), ids, clock, auditor));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        database.close();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    @Benchmark
    @Threads(1)
    public ConsumeResult consume() {
        return consumeOnce();
    }

    @Benchmark
    @Threads(8)
    public ConsumeResult consumeFromEightThreads() {
        return consumeOnce();
    }

    @Benchmark
    @Threads(1)
    public String rotate(Family family) {
        return rotateOnce(family);
    }

    @Benchmark
    @Threads(8)
    public String rotateFromEightThreads(Family family) {
        return rotateOnce(family);
    }

    private ConsumeResult consumeOnce() {
        ConsumeResult result = store.consumeRefreshToken("jti-" + jtis.incrementAndGet(), "family", "client",
                FAR_FUTURE);
        if (result != ConsumeResult.CONSUMED) {
            throw new IllegalStateException("a fresh jti was not consumed: " + result);
        }
        return result;
    }

    private String rotateOnce(Family family) {
        family.refreshToken = rotation.refresh(family.refreshToken, BENCH, null).refreshToken();
        return family.refreshToken;
    }
}
