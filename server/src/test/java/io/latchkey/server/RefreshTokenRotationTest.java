package io.latchkey.server;

import static io.latchkey.server.OAuthRequests.assertPipelineError;
import static io.latchkey.server.OAuthRequests.isActive;
import static io.latchkey.server.OAuthRequests.pipelineRefresh;
import static io.latchkey.server.OAuthRequests.pipelineTokens;
import static io.latchkey.server.OAuthRequests.refreshed;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.OAuthRequests.Tokens;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SPEC §5: refresh tokens are single-use; reuse revokes the whole rotation family (RFC 9700
 * §4.14.2); of concurrent refreshes of one token exactly one wins.
 */
class RefreshTokenRotationTest {
    private static final int RACERS = 50;
    @RegisterExtension
    static final TestServer server = TestServer.extension();

    @Test
    void concurrentRefreshesOfOneTokenHaveExactlyOneWinner() throws Exception {
        TestServer.Credentials client = server.createClient("RacePartner");
        Tokens original = pipelineTokens(server, client);

        List<HttpResponse<String>> answers = refreshAllAtOnce(original.refreshToken(), RACERS);

        List<HttpResponse<String>> winners = answers.stream().filter(r -> r.statusCode() == 200).toList();
        List<HttpResponse<String>> losers = answers.stream().filter(r -> r.statusCode() != 200).toList();
        assertThat(winners).as("answers with 200").hasSize(1);
        assertThat(losers).hasSize(RACERS - 1);
        for (HttpResponse<String> loser : losers) {
            assertPipelineError(loser, 400, "invalid_grant");
        }

        // Every loser was a reuse, so the family is revoked, the winner's new tokens included.
        Tokens winner = Tokens.of(TestServer.json(winners.get(0)));
        assertPipelineError(pipelineRefresh(server, winner.refreshToken()), 400, "invalid_grant");
        assertThat(isActive(server, winner.accessToken())).isFalse();
        assertThat(isActive(server, original.accessToken())).isFalse();
        assertThat(isActive(server, winner.refreshToken())).isFalse();
    }

    @Test
    void tokenIdsBeginWithTheirIssueTimeSoThatTheySortByIt() throws Exception {
        TestServer.Credentials client = server.createClient("OrderPartner");
        Instant firstIssued = server.clock().instant();
        Tokens first = pipelineTokens(server, client);
        server.clock().advance(Duration.ofMillis(1500));
        Tokens second = refreshed(server, first.refreshToken());

        String firstRefreshJti = jti(first.refreshToken());
        assertThat(firstRefreshJti).matches("[0-9a-v]{10}[A-Za-z0-9_-]{22}");
        assertThat(Long.parseLong(firstRefreshJti.substring(0, 10), 32)).isEqualTo(firstIssued.toEpochMilli());
        assertThat(jti(first.accessToken())).startsWith(firstRefreshJti.substring(0, 10))
                .isNotEqualTo(firstRefreshJti);
        // The consumed-token index grows at its end: a later token's id sorts after an earlier one's.
        assertThat(jti(second.refreshToken())).isGreaterThan(firstRefreshJti);
        assertThat(jti(second.accessToken())).isGreaterThan(jti(first.accessToken()));
    }

    private static String jti(String token) throws Exception {
        return TestServer.JSON.readTree(TokenForgery.payloadJson(token)).get("jti").asText();
    }

    @Test
    void presentingAUsedRefreshTokenAgainRevokesTheWholeFamily() {
        TestServer.Credentials client = server.createClient("ReusePartner");
        Tokens a = pipelineTokens(server, client);
        Tokens b = refreshed(server, a.refreshToken());
        assertThat(b.refreshToken()).isNotEqualTo(a.refreshToken());
        assertThat(isActive(server, a.accessToken())).isTrue();
        assertThat(isActive(server, b.accessToken())).isTrue();
        assertThat(isActive(server, a.refreshToken())).as("a used refresh token").isFalse();
        assertThat(isActive(server, b.refreshToken())).isTrue();

        assertPipelineError(pipelineRefresh(server, a.refreshToken()), 400, "invalid_grant");

        assertPipelineError(pipelineRefresh(server, b.refreshToken()), 400, "invalid_grant");
        assertThat(isActive(server, a.accessToken())).isFalse();
        assertThat(isActive(server, b.accessToken())).isFalse();
        assertThat(isActive(server, b.refreshToken())).isFalse();
    }

    @Test
    void reuseRevokesTheFamilyAlsoWhenItIsDetectedGenerationsLater() {
        TestServer.Credentials client = server.createClient("ReusePartner");
        Tokens first = pipelineTokens(server, client);
        Tokens second = refreshed(server, first.refreshToken());
        Tokens third = refreshed(server, second.refreshToken());
        Tokens fourth = refreshed(server, third.refreshToken());

        assertPipelineError(pipelineRefresh(server, first.refreshToken()), 400, "invalid_grant");

        assertPipelineError(pipelineRefresh(server, fourth.refreshToken()), 400, "invalid_grant");
        for (Tokens generation : List.of(first, second, third, fourth)) {
            assertThat(isActive(server, generation.accessToken())).isFalse();
        }
    }

    @Test
    void reuseLeavesTheOtherFamiliesOfTheSameClientAlone() {
        TestServer.Credentials client = server.createClient("ReusePartner");
        Tokens leaked = pipelineTokens(server, client);
        Tokens other = pipelineTokens(server, client);
        refreshed(server, leaked.refreshToken());

        assertPipelineError(pipelineRefresh(server, leaked.refreshToken()), 400, "invalid_grant");

        assertThat(isActive(server, other.accessToken())).isTrue();
        Tokens otherRenewed = refreshed(server, other.refreshToken());
        assertThat(isActive(server, otherRenewed.accessToken())).isTrue();
        assertThat(isActive(server, other.accessToken())).isTrue();
        // The client itself is unaffected: it can still start a new family.
        assertThat(isActive(server, pipelineTokens(server, client).accessToken())).isTrue();
    }

    @Test
    void reuseOnTheStandardTokenEndpointRevokesTheFamilyToo() {
        TestServer.Credentials client = server.createClient("StandardPartner");
        Tokens a = Tokens.of(server.token(client));
        HttpResponse<String> first = standardRefresh(client, a.refreshToken());
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        Tokens b = Tokens.of(TestServer.json(first));

        HttpResponse<String> reuse = standardRefresh(client, a.refreshToken());

        assertThat(reuse.statusCode()).as(reuse.body()).isEqualTo(400);
        assertThat(TestServer.json(reuse).get("error").asText()).isEqualTo("invalid_grant");
        HttpResponse<String> afterReuse = standardRefresh(client, b.refreshToken());
        assertThat(afterReuse.statusCode()).as(afterReuse.body()).isEqualTo(400);
        assertThat(TestServer.json(afterReuse).get("error").asText()).isEqualTo("invalid_grant");
        assertThat(isActive(server, b.accessToken())).isFalse();
    }

    @Test
    void concurrentRefreshesOfDifferentFamiliesAllSucceed() throws Exception {
        TestServer.Credentials client = server.createClient("BusyPartner");
        List<Tokens> families = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            families.add(pipelineTokens(server, client));
        }
        CyclicBarrier start = new CyclicBarrier(families.size());
        ExecutorService pool = Executors.newFixedThreadPool(families.size());
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (Tokens family : families) {
                answers.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return pipelineRefresh(server, family.refreshToken());
                }));
            }
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        for (Tokens family : families) {
            assertThat(isActive(server, family.accessToken())).isTrue();
        }
    }

    private static List<HttpResponse<String>> refreshAllAtOnce(String refreshToken, int threads) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return pipelineRefresh(server, refreshToken);
                }));
            }
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (Future<HttpResponse<String>> future : futures) {
                answers.add(future.get(60, TimeUnit.SECONDS));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private static HttpResponse<String> standardRefresh(TestServer.Credentials client, String refreshToken) {
        return server.postForm("/oauth2/token", Map.of("grant_type", "refresh_token", "refresh_token", refreshToken),
                "Authorization", client.basic());
    }
}
