package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.latchkey.server.TestServer.Credentials;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §5, "nothing acknowledged is lost", under load: the server runs as a process of its own,
 * a few threads create clients (admin API and pipeline), fetch tokens and rotate refresh tokens,
 * and the process is killed with SIGKILL at a random moment — after a random number of
 * acknowledged operations, so in the middle of others. Restarted on the same data dir, the store
 * opens cleanly, every client whose creation was acknowledged authenticates, and every refresh
 * token whose rotation was acknowledged is refused when presented again. Several rounds run on
 * the one data dir, and each round checks everything acknowledged in all the rounds before it.
 */
@Tag("sqlite-only") // the process runs on the embedded store, whichever store the suite targets
class CrashSafetyTest {
    static final int ROUNDS = 3;
    private static final int THREADS = 4;
    private static final String ISSUER = "http://latchkey.crash.test";
    private static final long SEED = Long.getLong("latchkey.crash.seed", new SecureRandom().nextLong());

    /** What the server acknowledged, over all rounds. */
    private final List<Credentials> acknowledgedClients = new CopyOnWriteArrayList<>();
    private final List<String> acknowledgedConsumed = new CopyOnWriteArrayList<>();
    /** Problems seen by the load threads while the server was up, reported by the test thread. */
    private final List<String> anomalies = new CopyOnWriteArrayList<>();

    @Test
    void whatWasAcknowledgedBeforeEachOfSeveralKillsDashNineUnderLoadIsThereAfterTheRestart(@TempDir Path dataDir)
            throws Exception {
        Random random = new Random(SEED);
        for (int round = 1; round <= ROUNDS; round++) {
            try (ServerProcess server = start(dataDir)) {
                assertEverythingAcknowledgedHolds(server, round);
                int killAfter = 10 + random.nextInt(60);
                runLoadAndKill(server, killAfter, random.nextLong());
            }
            assertThat(anomalies).as("round %d (seed %d)", round, SEED).isEmpty();
        }
        try (ServerProcess server = start(dataDir)) {
            assertEverythingAcknowledgedHolds(server, ROUNDS + 1);
        }
        System.out.printf("CrashSafetyTest: %d kills, %d acknowledged clients, %d acknowledged rotations, seed %d%n",
                ROUNDS, acknowledgedClients.size(), acknowledgedConsumed.size(), SEED);
        assertThat(acknowledgedConsumed).as("the load rotated refresh tokens before the kills").isNotEmpty();
    }

    private static ServerProcess start(Path dataDir) throws Exception {
        return ServerProcess.start(dataDir, TestServer.ADMIN_KEY, "--issuer", ISSUER,
                "--auth-failure-burst", "1000000", "--auth-failure-per-minute", "1000000");
    }

    /** Threads start together and work until the server dies; it is killed once {@code killAfter} operations were acknowledged. */
    private void runLoadAndKill(ServerProcess server, int killAfter, long seed) throws Exception {
        CountDownLatch acknowledged = new CountDownLatch(killAfter);
        CountDownLatch go = new CountDownLatch(1);
        Queue<String> unused = new ConcurrentLinkedQueue<>();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        List<Future<Void>> workers = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            Random random = new Random(seed + i);
            workers.add(threads.submit(() -> {
                go.await();
                try {
                    while (true) {
                        if (operate(server, random, unused)) {
                            acknowledged.countDown();
                        }
                    }
                } catch (UncheckedIOException serverGone) {
                    return null; // killed: this request had no answer, so it claims nothing
                }
            }));
        }
        go.countDown();
        boolean reached = acknowledged.await(60, TimeUnit.SECONDS);
        server.kill();
        threads.shutdown();
        assertThat(threads.awaitTermination(60, TimeUnit.SECONDS)).as("the load threads ended after the kill").isTrue();
        for (Future<Void> worker : workers) {
            worker.get(); // a load thread that failed otherwise than by losing the server fails the test
        }
        assertThat(reached).as("%d operations acknowledged within 60 s; stderr: %s", killAfter, server.stderr()).isTrue();
    }

    /** One operation; true when the server acknowledged it, and what it acknowledged is recorded. */
    private boolean operate(ServerProcess server, Random random, Queue<String> unused) {
        int choice = random.nextInt(10);
        if (choice < 2 || acknowledgedClients.isEmpty()) {
            HttpResponse<String> created = server.post("/admin/clients", "application/json",
                    "{\"partnerId\":\"CrashPartner\"}", "X-API-Key", TestServer.ADMIN_KEY);
            return record(created, 201, body -> acknowledgedClients.add(credentials(body)));
        }
        if (choice < 3) {
            HttpResponse<String> created = server.post("/pipeline/oauth2", "application/json", TestServer.write(
                    Map.of("partnerId", "CrashPartner", "executionType", "create", "apikey", TestServer.ADMIN_KEY)));
            return record(created, 200, body -> acknowledgedClients.add(credentials(body)));
        }
        String token = unused.poll();
        if (choice < 6 || token == null) {
            Credentials client = acknowledgedClients.get(random.nextInt(acknowledgedClients.size()));
            HttpResponse<String> issued = tokenRequest(server, client);
            return record(issued, 200, body -> unused.add(body.get("refresh_token").asText()));
        }
        HttpResponse<String> rotated = refreshRequest(server, token);
        return record(rotated, 200, body -> {
            acknowledgedConsumed.add(token); // the answer is in hand: the server says it is used up
            unused.add(body.get("refresh_token").asText());
        });
    }

    private boolean record(HttpResponse<String> response, int expected, java.util.function.Consumer<JsonNode> what) {
        if (response.statusCode() != expected) {
            anomalies.add(response.request().uri().getPath() + " answered " + response.statusCode() + ": "
                    + response.body());
            return false;
        }
        what.accept(TestServer.json(response));
        return true;
    }

    /** The store opened cleanly, every acknowledged client authenticates, no acknowledged rotation can be replayed. */
    private void assertEverythingAcknowledgedHolds(ServerProcess server, int round) {
        HttpResponse<String> ready = server.get("/health/ready");
        assertThat(ready.statusCode()).as("ready after restart %d: %s", round - 1, server.stderr()).isEqualTo(200);
        List<String> lost = Collections.synchronizedList(new ArrayList<>());
        acknowledgedClients.parallelStream().forEach(client -> {
            HttpResponse<String> token = tokenRequest(server, client);
            if (token.statusCode() != 200) {
                lost.add("client " + client.clientId() + ": " + token.statusCode() + " " + token.body());
            }
        });
        acknowledgedConsumed.parallelStream().forEach(consumed -> {
            HttpResponse<String> replay = refreshRequest(server, consumed);
            if (replay.statusCode() != 400 || !TestServer.json(replay).get("error").asText().equals("invalid_grant")) {
                lost.add("a rotated refresh token worked again: " + replay.statusCode() + " " + replay.body());
            }
        });
        assertThat(lost).as("round %d, seed %d", round, SEED).isEmpty();
        assertThat(server.stderr()).as("the log of the restarted server").doesNotContain("ERROR");
    }

    private static HttpResponse<String> tokenRequest(ServerProcess server, Credentials client) {
        return server.post("/oauth2/token", "application/x-www-form-urlencoded", "grant_type=client_credentials",
                "Authorization", client.basic());
    }

    private static HttpResponse<String> refreshRequest(ServerProcess server, String refreshToken) {
        return server.post("/pipeline/oauth2", "application/json",
                TestServer.write(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken)));
    }

    private static Credentials credentials(JsonNode created) {
        return new Credentials(created.get("clientId").asText(), created.get("clientSecret").asText());
    }
}
