package io.latchkey.server;

import static io.latchkey.server.OAuthRequests.isActive;
import static io.latchkey.server.OAuthRequests.pipelineTokens;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.OAuthRequests.Tokens;
import io.latchkey.server.TestServer.Credentials;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 200 requests at once on four clients — client_credentials grants, refreshes (some tokens
 * presented three times at once), secret rotations and deletions (racing one another) — released
 * together. None answers 5xx, all finish within a bound (no deadlock), and the state afterwards
 * is exactly what the acknowledged operations imply:
 *
 * <ul>
 *   <li>of the deletes of one client exactly one answered 200; the client is gone, and nothing
 *       of it — any secret it ever had, any token — works any more;</li>
 *   <li>of a surviving client's secrets (the first and each whose rotation answered 200) exactly
 *       the newest works, and with a grace period also the one it replaced — what any serial
 *       order of the acknowledged rotations leaves;</li>
 *   <li>a refresh token presented once answered 200 and its successor refreshes; one presented
 *       three times at once answered 200 exactly once, and the reuse revoked its family, so the
 *       winner's successor and access token are refused (RFC 9700 §4.14.2);</li>
 *   <li>no refresh token, of any client, answered 200 twice.</li>
 * </ul>
 */
class MixedConcurrencyTest {
    private static final int FAMILIES = 10;
    private static final long SEED = Long.getLong("latchkey.concurrency.seed", new SecureRandom().nextLong());

    @RegisterExtension
    final TestServer server = TestServer.extension();
    private final HttpClient burstClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();

    @Test
    void twoHundredMixedRequestsOnFourClientsLeaveExactlyTheStateTheirAnswersImply() throws Exception {
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            // Clients 0 and 2 rotate with no grace, 1 and 3 with an hour's; 2 and 3 are deleted too.
            clients.add(new Client(server.createClient("Mixed" + i, "orders:read"), i >= 2, i % 2 == 1 ? 3600 : 0));
        }
        List<Call> calls = new ArrayList<>();
        for (Client client : clients) {
            for (int i = 0; i < 15; i++) {
                calls.add(new Call(client, Kind.TOKEN, () -> burst(form("/oauth2/token",
                        "grant_type=client_credentials").header("Authorization", client.original.basic()))));
            }
            for (int family = 0; family < FAMILIES; family++) {
                Tokens tokens = pipelineTokens(server, client.original);
                client.families.add(tokens);
                int presentations = family < FAMILIES / 2 ? 1 : 3;
                for (int i = 0; i < presentations; i++) {
                    calls.add(new Call(client, Kind.REFRESH, () -> burst(json("/pipeline/oauth2", TestServer.write(
                            Map.of("grant_type", "refresh_token", "refresh_token", tokens.refreshToken())))), tokens));
                }
            }
            for (int i = 0; i < 10; i++) {
                calls.add(new Call(client, Kind.ROTATE, () -> burst(json("/admin/clients/"
                        + client.original.clientId() + "/secret", "{\"graceSeconds\":" + client.graceSeconds + "}")
                        .header("X-API-Key", TestServer.ADMIN_KEY))));
            }
            if (client.deleted) {
                for (int i = 0; i < 10; i++) {
                    calls.add(new Call(client, Kind.DELETE, () -> burst(HttpRequest.newBuilder(
                            server.uri("/admin/clients/" + client.original.clientId())).DELETE()
                            .header("X-API-Key", TestServer.ADMIN_KEY))));
                }
            }
        }
        assertThat(calls).hasSize(200);
        Collections.shuffle(calls, new Random(SEED));

        runTogether(calls);

        for (Call call : calls) {
            assertThat(call.response.statusCode()).as("seed %d: %s", SEED, SafeAnswers.describe(call.response))
                    .isIn(call.kind.acceptable);
            SafeAnswers.assertSafe(call.response);
        }
        for (Client client : clients) {
            if (client.deleted) {
                assertGone(client, calls);
            } else {
                assertExactlyTheNewestAcknowledgedSecretsWork(client, calls);
                assertEachRefreshWonOnceAndReuseRevokedItsFamily(client, calls);
            }
        }
        assertNoRefreshTokenAnswered200Twice(calls);
    }

    /**
     * The lost update of concurrent secret rotations: both read the same current secret, so the
     * later commit kept the original as its "previous" and dropped, at once, the secret the
     * earlier rotation had just acknowledged. In either serial order the two rotated secrets are
     * what works (the newest, and the one it replaced for the grace period), never the original.
     * Twenty clients race two rotations each, so a lost update shows on some of them.
     */
    @Test
    void twoConcurrentRotationsWithAGracePeriodLeaveBothRotatedSecretsWorkingAndNeverTheOriginal()
            throws Exception {
        List<Client> clients = new ArrayList<>();
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Client client = new Client(server.createClient("Rotating" + i), false, 3600);
            clients.add(client);
            for (int rotation = 0; rotation < 2; rotation++) {
                calls.add(new Call(client, Kind.ROTATE, () -> burst(json("/admin/clients/"
                        + client.original.clientId() + "/secret", "{\"graceSeconds\":3600}")
                        .header("X-API-Key", TestServer.ADMIN_KEY))));
            }
        }

        runTogether(calls);

        for (Client client : clients) {
            assertExactlyTheNewestAcknowledgedSecretsWork(client, calls);
        }
    }

    // --- the run --------------------------------------------------------------------------------

    /** One thread per call, all released at once; every call must be answered within a minute. */
    static void runTogether(List<Call> calls) throws InterruptedException {
        ExecutorService threads = Executors.newFixedThreadPool(calls.size());
        CountDownLatch ready = new CountDownLatch(calls.size());
        CountDownLatch go = new CountDownLatch(1);
        for (Call call : calls) {
            threads.submit(() -> {
                ready.countDown();
                try {
                    go.await();
                    call.response = call.request.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    call.failure = e;
                }
                return null;
            });
        }
        assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
        go.countDown();
        threads.shutdown();
        boolean finished = threads.awaitTermination(60, TimeUnit.SECONDS);
        if (!finished) {
            threads.shutdownNow();
        }
        assertThat(finished).as("all %d requests answered within 60 s (no deadlock)", calls.size()).isTrue();
        for (Call call : calls) {
            assertThat(call.failure).as("the %s request failed", call.kind).isNull();
            assertThat(call.response).as("an answer to every request").isNotNull();
        }
    }

    // --- what must hold afterwards ------------------------------------------------------------------

    private void assertGone(Client client, List<Call> calls) {
        List<Call> deletes = of(calls, client, Kind.DELETE);
        assertThat(deletes.stream().filter(call -> call.response.statusCode() == 200))
                .as("exactly one of the racing deletes succeeded").hasSize(1);
        PipelineErrors.assertError(server.admin("GET", "/admin/clients/" + client.original.clientId(), null),
                404, "not_found");
        for (String secret : secretsEverIssued(client, calls)) {
            assertThat(tokenRequest(new Credentials(client.original.clientId(), secret)).statusCode())
                    .as("a secret of the deleted client").isEqualTo(401);
        }
        for (Call call : calls) {
            if (call.client == client && call.response.statusCode() == 200
                    && (call.kind == Kind.TOKEN || call.kind == Kind.REFRESH)) {
                Tokens issued = Tokens.of(TestServer.json(call.response));
                assertThat(isActive(server, issued.accessToken())).as("an access token of the deleted client").isFalse();
                assertThat(refreshRequest(issued.refreshToken()).statusCode()).isEqualTo(400);
            }
        }
        for (Tokens family : client.families) {
            assertThat(isActive(server, family.accessToken())).isFalse();
        }
    }

    /**
     * Rotations answered in one order may have committed in another, so which acknowledged
     * secret is the newest cannot be told from outside; what must hold is what every serial
     * order of the ten acknowledged rotations gives. With no grace: exactly one secret works, one
     * a rotation set. With a grace period: exactly two work, the newest and the one it replaced,
     * both set by rotations — never the first secret, which the first rotation of any order
     * replaced and the second ended.
     */
    private void assertExactlyTheNewestAcknowledgedSecretsWork(Client client, List<Call> calls) {
        List<String> rotated = new ArrayList<>();
        for (Call rotation : of(calls, client, Kind.ROTATE)) {
            assertThat(rotation.response.statusCode()).as("a rotation of a living client").isEqualTo(200);
            rotated.add(TestServer.json(rotation.response).get("clientSecret").asText());
        }
        List<String> working = secretsEverIssued(client, calls).stream()
                .filter(secret -> tokenRequest(new Credentials(client.original.clientId(), secret)).statusCode() == 200)
                .toList();
        assertThat(working).as("secrets that work, grace %d s (seed %d)", client.graceSeconds, SEED)
                .hasSize(client.graceSeconds == 0 ? 1 : 2);
        assertThat(rotated).as("each set by an acknowledged rotation").containsAll(working);
    }

    private void assertEachRefreshWonOnceAndReuseRevokedItsFamily(Client client, List<Call> calls) {
        for (Tokens family : client.families) {
            List<Call> presentations = calls.stream().filter(call -> call.family == family).toList();
            List<Call> won = presentations.stream().filter(call -> call.response.statusCode() == 200).toList();
            assertThat(won).as("of %d presentations of one refresh token, one won", presentations.size()).hasSize(1);
            Tokens successor = Tokens.of(TestServer.json(won.get(0).response));
            if (presentations.size() == 1) {
                assertThat(isActive(server, successor.accessToken())).isTrue();
                assertThat(refreshRequest(successor.refreshToken()).statusCode())
                        .as("the successor of an uncontested refresh works").isEqualTo(200);
            } else {
                presentations.stream().filter(call -> call != won.get(0)).forEach(call ->
                        TokenPath.REFRESH_ON_PIPELINE.assertRefused(call.response));
                assertThat(isActive(server, successor.accessToken())).as("reuse revoked the family").isFalse();
                assertThat(refreshRequest(successor.refreshToken()).statusCode()).isEqualTo(400);
            }
        }
    }

    private static void assertNoRefreshTokenAnswered200Twice(List<Call> calls) {
        Map<String, Long> wins = calls.stream()
                .filter(call -> call.kind == Kind.REFRESH && call.response.statusCode() == 200)
                .collect(Collectors.groupingBy(call -> call.family.refreshToken(), Collectors.counting()));
        assertThat(wins.values()).allMatch(count -> count == 1);
    }

    // --- helpers --------------------------------------------------------------------------------

    /**
     * Sends a request of the burst over HTTP/1.1, a connection each. (The JDK client upgrades to
     * HTTP/2 where it can, and then fails requests beyond the server's 100 concurrent streams
     * instead of queueing them.)
     */
    private HttpResponse<String> burst(HttpRequest.Builder request) {
        try {
            return burstClient.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest.Builder form(String path, String body) {
        return HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpRequest.Builder json(String path, String body) {
        return HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static List<String> secretsEverIssued(Client client, List<Call> calls) {
        List<String> secrets = new ArrayList<>(List.of(client.original.secret()));
        for (Call call : of(calls, client, Kind.ROTATE)) {
            if (call.response.statusCode() == 200) {
                secrets.add(TestServer.json(call.response).get("clientSecret").asText());
            }
        }
        return secrets;
    }

    private static List<Call> of(List<Call> calls, Client client, Kind kind) {
        return calls.stream().filter(call -> call.client == client && call.kind == kind).toList();
    }

    private HttpResponse<String> tokenRequest(Credentials client) {
        return server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                "Authorization", client.basic());
    }

    private HttpResponse<String> refreshRequest(String refreshToken) {
        return OAuthRequests.pipelineRefresh(server, refreshToken);
    }

    /** What each kind of request may answer while the others run. */
    private enum Kind {
        TOKEN(200, 401), REFRESH(200, 400), ROTATE(200, 404), DELETE(200, 404);

        final Set<Integer> acceptable;

        Kind(Integer... acceptable) {
            this.acceptable = Set.of(acceptable);
        }
    }

    private static final class Client {
        final Credentials original;
        final boolean deleted;
        final int graceSeconds;
        final List<Tokens> families = new ArrayList<>();

        Client(Credentials original, boolean deleted, int graceSeconds) {
            this.original = original;
            this.deleted = deleted;
            this.graceSeconds = graceSeconds;
        }
    }

    private static final class Call {
        final Client client;
        final Kind kind;
        final Supplier<HttpResponse<String>> request;
        final Tokens family;
        volatile HttpResponse<String> response;
        volatile RuntimeException failure;

        Call(Client client, Kind kind, Supplier<HttpResponse<String>> request) {
            this(client, kind, request, null);
        }

        Call(Client client, Kind kind, Supplier<HttpResponse<String>> request, Tokens family) {
            this.client = client;
            this.kind = kind;
            this.request = request;
            this.family = family;
        }
    }
}
