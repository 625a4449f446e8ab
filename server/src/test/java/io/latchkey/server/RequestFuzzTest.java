package io.latchkey.server;

import static io.latchkey.server.FuzzInputs.headers;
import static io.latchkey.server.FuzzInputs.pick;
import static io.latchkey.server.FuzzInputs.weighted;

import io.latchkey.server.OAuthRequests.Tokens;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fuzzing of every request parser over real HTTP, against one started server: pipeline JSON
 * bodies, the form bodies of the standard endpoints, HTTP Basic headers, the admin API's JSON,
 * and random methods and paths. Whatever arrives, the answer is below 500, its body (if any) is
 * a JSON object with no stack trace or Java name in it, and it arrives within {@link #DEADLINE}:
 * no request makes the server fail, talk about its insides, or hang.
 *
 * <p>Requests are written byte for byte ({@link RawHttp}), so bodies need not be UTF-8 and header
 * values may hold any byte but CR and LF. The generators ({@link FuzzInputs}) mix the real field
 * names and genuine credentials of the running server into random data, so that many inputs get
 * past authentication to the parsers and flows behind it.
 *
 * <p>Each property draws its inputs from a {@link Random} seeded from one run seed, printed at the
 * end and in every failure; {@code -Dlatchkey.fuzz.seed=<seed>} replays a run. Bounded for
 * {@code mvn verify} at {@value #DEFAULT_TRIES} inputs per property; a longer run:
 * <pre>
 * mvn -o verify -pl server -am -Dtest=RequestFuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dlatchkey.fuzz.tries=100000
 * </pre>
 *
 * <p>(Plain seeded generators rather than a property-testing library: jqwik 1.10 asks not to be
 * used by AI coding agents, which wrote this test, and jazzer's JUnit mode only replays a corpus
 * unless it runs as a fuzzer outside {@code mvn verify}.)
 */
class RequestFuzzTest {
    static final int DEFAULT_TRIES = 250;
    static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final int TRIES = Integer.getInteger("latchkey.fuzz.tries", DEFAULT_TRIES);
    private static final long SEED = Long.getLong("latchkey.fuzz.seed", new SecureRandom().nextLong());
    private static final AtomicLong INPUTS = new AtomicLong();

    @RegisterExtension
    static final TestServer server = TestServer.extension();
    private static FuzzInputs inputs;
    /** A client whose secret the admin fuzzing rotates; never used to authenticate. */
    private static String rotatedClientId;
    /** Valid Basic credentials, never deleted or rotated by the fuzzing. */
    private static String validBasic;

    @BeforeAll
    static void start() {
        TestServer.Credentials steady = server.createClient("FuzzSteady", "orders:read");
        TestServer.Credentials exposed = server.createClient("FuzzExposed", "orders:read", "orders:write");
        rotatedClientId = server.createClient("FuzzRotated").clientId();
        validBasic = steady.basic();
        Tokens steadyTokens = OAuthRequests.pipelineTokens(server, steady);
        Tokens exposedTokens = OAuthRequests.pipelineTokens(server, exposed);
        // The exposed client's id, secret and tokens go into generated bodies: it may be deleted or used up.
        inputs = new FuzzInputs(List.of(TestServer.ADMIN_KEY, exposed.clientId(), exposed.secret(),
                exposedTokens.accessToken(), exposedTokens.refreshToken(), steadyTokens.accessToken(),
                rotatedClientId));
    }

    @AfterAll
    static void stop() {
        System.out.printf("RequestFuzzTest: %d inputs tried, %d per property, seed %d%n", INPUTS.get(), TRIES, SEED);
    }

    @Test
    void anyPipelineBodyIsAnsweredWithoutA5xxOrAStackTrace() {
        fuzz("pipeline", random -> post("/pipeline/oauth2",
                headers("Content-Type", jsonContentType(random)), inputs.jsonBody(random)));
    }

    @Test
    void anyFormBodyOnTheStandardEndpointsIsAnsweredWithoutA5xxOrAStackTrace() {
        fuzz("forms", random -> post(pick(random, List.of("/oauth2/token", "/oauth2/introspect", "/oauth2/revoke")),
                headers("Content-Type", formContentType(random), "Authorization", authorization(random),
                        "X-API-Key", apiKey(random, 6)),
                inputs.formBody(random)));
    }

    @Test
    void anyBasicHeaderIsAnsweredWithoutA5xxOrAStackTrace() {
        List<List<String>> requests = List.of(
                List.of("/oauth2/token", "grant_type=client_credentials"),
                List.of("/oauth2/token", "grant_type=client_credentials&scope=orders%3Aread"),
                List.of("/oauth2/token", "grant_type=refresh_token&refresh_token=x.y.z"),
                List.of("/oauth2/introspect", "token=x.y.z"),
                List.of("/oauth2/revoke", "token=x.y.z&token_type_hint=refresh_token"));
        fuzz("basic", random -> {
            List<String> request = pick(random, requests);
            post(request.get(0), headers("Content-Type", "application/x-www-form-urlencoded",
                    "Authorization", inputs.basicHeader(random)), request.get(1).getBytes(StandardCharsets.UTF_8));
        });
    }

    @Test
    void anyAdminClientBodyIsAnsweredWithoutA5xxOrAStackTrace() {
        fuzz("admin", random -> post(adminClientTarget(random),
                headers("Content-Type", jsonContentType(random), "X-API-Key", apiKey(random, 0)),
                inputs.jsonBody(random)));
    }

    @Test
    void anyMethodAndPathIsAnsweredWithoutA5xxOrAStackTrace() {
        fuzz("paths", random -> {
            byte[] body = random.nextInt(4) == 0 ? inputs.jsonBody(random) : null;
            send(FuzzInputs.method(random), inputs.target(random), headers("X-API-Key", apiKey(random, 0),
                    "Content-Type", body == null ? null : "application/json"), body);
        });
    }

    // --- parts of requests ---------------------------------------------------------------------

    private static String jsonContentType(Random random) {
        return switch (weighted(random, 12, 1, 1)) {
            case 0 -> "application/json";
            case 1 -> pick(random, List.of("application/json; charset=utf-8", "APPLICATION/JSON",
                    "application/json;charset=latin1", "application/json, text/plain", "text/plain",
                    "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/", ";",
                    "application/json; charset=\"", "application/jsonx", ""));
            default -> FuzzInputs.latin1(random, 0, 60);
        };
    }

    private static String formContentType(Random random) {
        return switch (weighted(random, 12, 1, 1)) {
            case 0 -> "application/x-www-form-urlencoded";
            case 1 -> pick(random, List.of("application/x-www-form-urlencoded; charset=ISO-8859-1", "application/json",
                    "multipart/form-data; boundary=x", "multipart/form-data", "text/plain",
                    "application/x-www-form-urlencoded;;", ""));
            default -> FuzzInputs.latin1(random, 0, 60);
        };
    }

    /** Absent, the valid Basic header of a steady client, or any Basic header. */
    private static String authorization(Random random) {
        return switch (weighted(random, 3, 2, 1)) {
            case 0 -> null;
            case 1 -> validBasic;
            default -> inputs.basicHeader(random);
        };
    }

    /** The admin API key, or (as often as {@code absentWeight} says) none, or any header value. */
    private static String apiKey(Random random, int absentWeight) {
        return switch (weighted(random, 8, 1 + absentWeight, 1)) {
            case 0 -> TestServer.ADMIN_KEY;
            case 1 -> null;
            default -> FuzzInputs.latin1(random, 0, 80);
        };
    }

    /** {@code POST /admin/clients}, or {@code POST /admin/clients/{id}/secret} for a real or an odd id. */
    private static String adminClientTarget(Random random) {
        if (random.nextBoolean()) {
            return "/admin/clients";
        }
        String id = switch (weighted(random, 4, 1, 1)) {
            case 0 -> rotatedClientId;
            case 1 -> pick(random, List.of("..", "%2e%2e", "%00", "%zz", "a%2Fb", "x".repeat(3_000), "%C0%AF",
                    rotatedClientId + "%00", rotatedClientId.toUpperCase(java.util.Locale.ROOT)));
            default -> java.net.URLEncoder.encode(FuzzInputs.anyChars(random, 0, 30), StandardCharsets.UTF_8);
        };
        return "/admin/clients/" + id + pick(random, List.of("/secret", "/secret", "/secret/", "/SECRET"));
    }

    // --- running -------------------------------------------------------------------------------

    /** Runs {@code input} {@link #TRIES} times, each with a Random of its own drawn from the run's seed. */
    private static void fuzz(String property, Consumer<Random> input) {
        Random seeds = new Random(SEED ^ property.hashCode());
        for (int i = 0; i < TRIES; i++) {
            try {
                input.accept(new Random(seeds.nextLong()));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("input " + (i + 1) + " of '" + property + "' failed; replay with"
                        + " -Dlatchkey.fuzz.seed=" + SEED + ": " + e.getMessage(), e);
            }
        }
    }

    private static void post(String target, List<String> headers, byte[] body) {
        send("POST", target, headers, body);
    }

    /** Sends one request and asserts the answer is safe ({@link SafeAnswers}) and arrived within the deadline. */
    private static void send(String method, String target, List<String> headers, byte[] body) {
        INPUTS.incrementAndGet();
        RawHttp.Response response = RawHttp.exchange(server.server().port(), method, target, headers, body, DEADLINE);
        String sent = method + " " + target + " " + headers + " "
                + (body == null ? "" : new String(body, StandardCharsets.ISO_8859_1));
        SafeAnswers.assertSafe(response, sent, method + " " + RawHttp.abbreviate(target) + " " + headers + " "
                + (body == null ? "" : RawHttp.abbreviate(new String(body, StandardCharsets.ISO_8859_1)))
                + " -> " + response.status() + " " + RawHttp.abbreviate(response.body()));
    }
}
