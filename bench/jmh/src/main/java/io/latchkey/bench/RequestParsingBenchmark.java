package io.latchkey.bench;

import io.latchkey.server.http.RequestParsers;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parsing a token request the way the server does it, through {@link RequestParsers}, which runs
 * the server's own parsers: the form body of {@code POST /oauth2/token} ({@code OAuthParameters}),
 * and the JSON body of {@code POST /pipeline/oauth2} ({@code Json} and {@code JsonFields}), each
 * down to the values the grant reads. Not counted: Vert.x reading the body, and its own form
 * decoding.
 *
 * <p>Run: {@code java -jar bench/jmh/target/benchmarks.jar RequestParsingBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RequestParsingBenchmark {
    private final String form = "grant_type=client_credentials&scope=orders%3Aread+orders%3Awrite";
    private final Buffer pipelineJson = Buffer.buffer("{\"username\":\"cl_4Jx9Qm2Lr8Tz6Wn3Vb5Yc7\","
            + "\"password\":\"sk_9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a\",\"grant_type\":\"client_credentials\"}");

    @Benchmark
    public String formBody() {
        RequestParsers.Fields parameters = RequestParsers.form(form);
        return parameters.required("grant_type") + parameters.optional("scope");
    }

    @Benchmark
    public String pipelineJsonBody() {
        RequestParsers.Fields fields = RequestParsers.json(pipelineJson);
        return fields.required("grant_type") + fields.required("username") + fields.required("password")
                + fields.optional("scope");
    }
}
