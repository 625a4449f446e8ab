package io.latchkey.bench;

import io.latchkey.core.client.Client;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.ClientLimits;
import io.latchkey.core.client.Scopes;
import io.latchkey.core.usage.TokenUsage;
import io.latchkey.core.usage.UsageStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
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
 * What SPEC §10's usage counting adds to every token: {@link TokenUsage#admit} and {@link
 * TokenUsage#count} for one client from two threads at once (the event loops of a 2-core machine
 * contending on one client's counter), with and without a {@code tokensPerHour} to check. The
 * store is never reached: folding runs every few seconds, off the token path.
 *
 * <p>Run: {@code java -jar bench/jmh/target/benchmarks.jar UsageCountingBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(2)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class UsageCountingBenchmark {
    private TokenUsage usage;
    private Client capped;
    private Client uncapped;

    @Setup
    public void setUp() {
        usage = new TokenUsage(new UsageStore() {
            @Override
            public void add(Map<String, Long> tokens, Instant minute) {
            }

            @Override
            public Map<String, Window> since(Instant since) {
                return Map.of();
            }

            @Override
            public long count(ClientId id, Instant since) {
                return 0;
            }

            @Override
            public int purgeBefore(Instant before) {
                return 0;
            }
        }, Clock.systemUTC());
        capped = client("capped-client", Long.MAX_VALUE / 2);
        uncapped = client("uncapped-client", 0);
    }

    @Benchmark
    public void countWithoutCap() {
        usage.admit(uncapped);
        usage.count(uncapped);
    }

    @Benchmark
    public void checkCapAndCount() {
        usage.admit(capped);
        usage.count(capped);
    }

    private static Client client(String id, long tokensPerHour) {
        return new Client(new ClientId(id), "bench", null, Scopes.NONE, "unused", null, null, Instant.EPOCH, null,
                null, new ClientLimits(null, tokensPerHour));
    }
}
