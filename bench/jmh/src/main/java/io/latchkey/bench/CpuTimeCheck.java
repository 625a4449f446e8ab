package io.latchkey.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A second opinion for a busy machine: the same contenders as {@link VerifierBenchmark}, counted
 * per second of this thread's own CPU time rather than of wall-clock time, so other processes
 * competing for the cores do not count against them. JMH's figures are the reference; this one
 * tells how far a loaded machine depressed them.
 *
 * <p>Run: {@code java -cp bench/jmh/target/benchmarks.jar io.latchkey.bench.CpuTimeCheck} (add
 * {@code tokens [algorithm…]} for the server's signing, verification and secret check instead; {@code
 * -Dround.millis=300} for shorter rounds of CPU time than the default 1000)
 */
public final class CpuTimeCheck {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuTimeCheck() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("tokens")) {
            tokens(args.length > 1 ? List.of(args).subList(1, args.length)
                    : List.of("HS256", "HS512", "ES256", "RS256", "EdDSA"));
            return;
        }
        for (String algorithm : new String[] {"HS256", "ES256"}) {
            VerifierBenchmark contenders = new VerifierBenchmark();
            contenders.algorithm = algorithm;
            contenders.setUp();
            report(algorithm, "latchkey", contenders::latchkey);
            report(algorithm, "nimbusBareVerify", contenders::nimbusBareVerify);
            report(algorithm, "nimbusProcessor", contenders::nimbusProcessor);
        }
    }

    /** With {@code tokens}: the server's side, {@link SigningBenchmark}, {@link SecretCheckBenchmark}, parsing. */
    private static void tokens(List<String> algorithms) throws Exception {
        SecretCheckBenchmark secrets = new SecretCheckBenchmark();
        secrets.setUp();
        report("-", "secretMatches", secrets::matching);
        RequestParsingBenchmark parsing = new RequestParsingBenchmark();
        report("-", "formBody", parsing::formBody);
        report("-", "pipelineJsonBody", parsing::pipelineJsonBody);
        for (String algorithm : algorithms) {
            SigningBenchmark contenders = new SigningBenchmark();
            contenders.algorithm = algorithm;
            contenders.setUp();
            report(algorithm, "issue", contenders::issue);
            report(algorithm, "verifyAccessToken", contenders::verifyAccessToken);
        }
        SigningBenchmark refresh = new SigningBenchmark();
        refresh.algorithm = "HS256"; // refresh tokens are HS512 whatever the access tokens use
        refresh.setUp();
        report("HS512", "verifyRefreshToken", refresh::verifyRefreshToken);
    }

    private static void report(String algorithm, String name, Callable<?> verification) throws Exception {
        long round = Long.getLong("round.millis", 1_000) * 1_000_000L;
        run(verification, 3 * round); // warm-up: let the JIT finish
        double[] rounds = new double[7];
        for (int i = 0; i < rounds.length; i++) {
            rounds[i] = run(verification, round);
        }
        Arrays.sort(rounds);
        System.out.printf("%-6s %-18s %,12.0f calls per CPU-second (median of %d; min %,.0f, max %,.0f)%n",
                algorithm, name, rounds[rounds.length / 2], rounds.length, rounds[0], rounds[rounds.length - 1]);
    }

    /** Calls {@code verification} for about {@code cpuNanos} of CPU time; answers calls per CPU-second. */
    private static double run(Callable<?> verification, long cpuNanos) throws Exception {
        long start = THREADS.getCurrentThreadCpuTime();
        long calls = 0;
        long elapsed;
        Object sink = null;
        do {
            for (int i = 0; i < 100; i++) {
                sink = verification.call();
            }
            calls += 100;
            elapsed = THREADS.getCurrentThreadCpuTime() - start;
        } while (elapsed < cpuNanos);
        if (sink == null) {
            throw new IllegalStateException("no result");
        }
        return calls * 1e9 / elapsed;
    }
}
