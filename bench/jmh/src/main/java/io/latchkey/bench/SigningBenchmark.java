package io.latchkey.bench;

import io.latchkey.core.key.SigningAlgorithm;
import io.latchkey.core.token.IssuedTokens;
import io.latchkey.core.token.TokenClaims;
import io.latchkey.core.token.TokenKind;
import io.latchkey.core.token.TokenVerifier;
import java.time.Clock;
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
 * The server's own token work per access-token algorithm, with its real key ring:
 * <ul>
 *   <li>{@code issue} — {@code TokenIssuer.issueNewFamily}: an access token signed with
 *       {@code algorithm} and a refresh token (always HS512), what one grant signs;</li>
 *   <li>{@code verifyAccessToken} / {@code verifyRefreshToken} — the server's
 *       {@code TokenVerifier} (introspection, refresh): parse, signature, claims.</li>
 * </ul>
 * Run: {@code java -jar bench/jmh/target/benchmarks.jar SigningBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SigningBenchmark {
    @Param({"HS256", "HS512", "ES256", "RS256", "EdDSA"})
    public String algorithm;

    private ServerTokens server;
    private TokenVerifier verifier;
    private String accessToken;
    private String refreshToken;

    @Setup
    public void setUp() {
        server = new ServerTokens(SigningAlgorithm.parse(algorithm));
        verifier = new TokenVerifier(server.keys, ServerTokens.ISSUER, Clock.systemUTC());
        IssuedTokens tokens = issue();
        accessToken = tokens.accessToken();
        refreshToken = tokens.refreshToken();
        if (verifyAccessToken() == null || verifyRefreshToken() == null) {
            throw new IllegalStateException("the server refused its own token");
        }
    }

    @Benchmark
    public IssuedTokens issue() {
        return server.issuer.issueNewFamily(server.client, server.client.scopes());
    }

    @Benchmark
    public TokenClaims verifyAccessToken() {
        return verifier.verify(accessToken, TokenKind.ACCESS).orElse(null);
    }

    @Benchmark
    public TokenClaims verifyRefreshToken() {
        return verifier.verify(refreshToken, TokenKind.REFRESH).orElse(null);
    }
}
