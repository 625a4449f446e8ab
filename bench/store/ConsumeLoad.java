import io.latchkey.store.jdbc.JdbcRevocationStore;
import io.latchkey.store.jdbc.SqliteDatabase;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The store's side of a refresh, without HTTP, JWTs or wrk: THREADS callers consume refresh tokens
 * (JdbcRevocationStore.consumeRefreshToken, one group-committed transaction each, as the server
 * does) on an embedded store for WARMUP + SECONDS, and the consumption latency is reported. It
 * isolates what a large consumed-token index costs from the CPU the rest of a request needs, so
 * it reads more steadily than bench/run.sh on a busy machine. Besides the rate it reports the CPU
 * a consumption cost the JVM and the store's writer thread (the serial part, which bounds the
 * rate), which change little when other processes share the cores.
 *
 * <p>JTI is {@code random} (22 base64url characters, as token ids were) or {@code ordered} (the
 * issue time in milliseconds as 10 base32hex characters, then 128 random bits, as
 * SecretGenerator.timeOrderedId mints them; the tokens consumed were issued up to a minute ago).
 * Run with the server jar on the class path, on a store made by `latchkey migrate` (or created
 * here) and optionally filled by bench/seed/SqliteSeed.java:
 * {@code java -cp server/target/latchkey.jar bench/store/ConsumeLoad.java DB_FILE THREADS WARMUP SECONDS JTI}
 */
public final class ConsumeLoad {
    private static final char[] BASE32HEX = "0123456789abcdefghijklmnopqrstuv".toCharArray();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    public static void main(String[] args) throws Exception {
        if (args.length != 5 || !args[4].matches("random|ordered")) {
            System.err.println("usage: ConsumeLoad DB_FILE THREADS WARMUP_SECONDS SECONDS random|ordered");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        long warmupNanos = Long.parseLong(args[2]) * 1_000_000_000L;
        long measureNanos = Long.parseLong(args[3]) * 1_000_000_000L;
        boolean ordered = args[4].equals("ordered");
        Path wal = Path.of(file + "-wal");
        long[][] latencies = new long[threads][];
        int[] counts = new int[threads];
        long peakWal = 0;
        try (SqliteDatabase database = SqliteDatabase.open(file)) {
            JdbcRevocationStore store = new JdbcRevocationStore(database);
            AtomicBoolean measuring = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            SecureRandom seeds = new SecureRandom();
            Thread[] callers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int me = t;
                latencies[me] = new long[200_000];
                SplittableRandom random = new SplittableRandom(seeds.nextLong());
                callers[t] = new Thread(() -> {
                    Instant expires = Instant.now().plusSeconds(86_400);
                    while (!stop.get()) {
                        String jti = ordered ? orderedId(random, System.currentTimeMillis() - random.nextInt(60_000))
                                : randomId(random);
                        long started = System.nanoTime();
                        store.consumeRefreshToken(jti, "fam-" + me, "client-" + me, expires);
                        long took = System.nanoTime() - started;
                        if (measuring.get() && counts[me] < latencies[me].length) {
                            latencies[me][counts[me]++] = took;
                        }
                    }
                });
                callers[t].start();
            }
            long start = System.nanoTime();
            while (System.nanoTime() - start < warmupNanos) {
                Thread.sleep(50);
            }
            measuring.set(true);
            long cpuStart = processCpuNanos();
            long writerCpuStart = writerCpuNanos();
            long measureStart = System.nanoTime();
            while (System.nanoTime() - measureStart < measureNanos) {
                Thread.sleep(50); // the load generator's pacing, not a test
                peakWal = Math.max(peakWal, Files.exists(wal) ? Files.size(wal) : 0);
            }
            measuring.set(false);
            long measured = System.nanoTime() - measureStart;
            long cpu = processCpuNanos() - cpuStart;
            long writerCpu = writerCpuNanos() - writerCpuStart;
            stop.set(true);
            for (Thread caller : callers) {
                caller.join();
            }
            int total = Arrays.stream(counts).sum();
            long[] all = new long[total];
            int at = 0;
            for (int t = 0; t < threads; t++) {
                System.arraycopy(latencies[t], 0, all, at, counts[t]);
                at += counts[t];
            }
            Arrays.sort(all);
            System.out.printf("%s\t%d threads\t%.0f tx/s\tp50 %.2f ms\tp99 %.2f ms\tp99.9 %.2f ms\tmax %.2f ms\tpeak WAL %.1f MB"
                            + "\tCPU %.1f µs/tx (writer thread %.1f)%n",
                    args[4], threads, total / (measured / 1e9), pct(all, 0.50), pct(all, 0.99), pct(all, 0.999),
                    all.length == 0 ? 0 : all[all.length - 1] / 1e6, peakWal / 1e6,
                    cpu / 1e3 / Math.max(1, total), writerCpu / 1e3 / Math.max(1, total));
        }
    }

    /** CPU the whole JVM used so far: what a consumption costs, whatever else the machine runs. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** CPU of the store's writer thread so far: the serial part, which bounds the rate. */
    private static long writerCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().equals("latchkey-sqlite-writer")) {
                return threads.getThreadCpuTime(info.getThreadId());
            }
        }
        return 0;
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private static String randomId(SplittableRandom random) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    private static String orderedId(SplittableRandom random, long millis) {
        char[] prefix = new char[10];
        for (int i = 9; i >= 0; i--) {
            prefix[i] = BASE32HEX[(int) (millis & 31)];
            millis >>>= 5;
        }
        return new String(prefix) + randomId(random);
    }
}
