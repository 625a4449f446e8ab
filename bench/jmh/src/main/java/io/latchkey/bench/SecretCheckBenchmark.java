package io.latchkey.bench;

import io.latchkey.core.secret.SecretGenerator;
import io.latchkey.core.secret.SecretHasher;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Client authentication's cost: {@link SecretHasher#matches} of a client secret against its
 * stored keyed hash, right and wrong, as every client_credentials grant does once.
 *
 * <p>Run: {@code java -jar bench/jmh/target/benchmarks.jar SecretCheckBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SecretCheckBenchmark {
    private SecretHasher hasher;
    private String secret;
    private String wrongSecret;
    private String storedHash;

    @Setup
    public void setUp() {
        SecureRandom random = new SecureRandom();
        byte[] pepper = new byte[32];
        random.nextBytes(pepper);
        hasher = new SecretHasher(pepper);
        SecretGenerator generator = new SecretGenerator(random);
        secret = generator.secret();
        wrongSecret = generator.secret();
        storedHash = hasher.hash(secret);
        if (!matching() || mismatching()) {
            throw new IllegalStateException("the hasher does not tell the secrets apart");
        }
    }

    @Benchmark
    public boolean matching() {
        return hasher.matches(secret, storedHash);
    }

    @Benchmark
    public boolean mismatching() {
        return hasher.matches(wrongSecret, storedHash);
    }
}
