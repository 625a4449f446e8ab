package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.latchkey.server.TestServer.Credentials;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /admin/overview}, what the console's overview draws: this instance's tokens per minute
 * over the last hour and errors by code, the busiest clients and those not caching their tokens,
 * the secrets about to expire and the webhooks whose deliveries keep failing. The clock is moved,
 * never waited for.
 */
class OverviewTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    @RegisterExtension
    final TestServer server = TestServer.extension(config -> config.accessTokenTtl(Duration.ofMinutes(30))
            .webhookAllowPrivate(true).webhookRetryMin(Duration.ofSeconds(1)));

    @Test
    void tokensPerMinuteCountEachMinuteOfTheLastHourOfThisInstance() {
        Credentials client = server.createClient("acme");
        server.token(client);
        server.token(client);
        server.clock().advance(Duration.ofMinutes(1));
        server.token(client);
        server.pipeline(Map.of("username", client.clientId(), "password", client.secret(),
                "grant_type", "client_credentials"));
        server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"), "Authorization", client.basic());

        JsonNode minutes = overview().get("tokensPerMinute");

        assertThat(minutes).hasSize(60);
        assertThat(tokens(minutes).subList(56, 60)).containsExactly(0L, 0L, 2L, 3L);
        Instant now = server.clock().instant().truncatedTo(ChronoUnit.MINUTES);
        assertThat(minutes.get(59).get("minute").asText()).isEqualTo(now.toString());
        assertThat(minutes.get(0).get("minute").asText()).isEqualTo(now.minus(Duration.ofMinutes(59)).toString());

        server.clock().advance(Duration.ofMinutes(59)); // the first minute has left the hour
        assertThat(tokens(overview().get("tokensPerMinute")).subList(58, 60)).containsExactly(0L, 0L);
        assertThat(tokens(overview().get("tokensPerMinute")).get(0)).isEqualTo(3L);
        server.clock().advance(Duration.ofMinutes(1));
        assertThat(tokens(overview().get("tokensPerMinute"))).containsOnly(0L);

        server.token(client); // a slot an hour old starts over
        assertThat(tokens(overview().get("tokensPerMinute")).get(59)).isEqualTo(1L);
    }

    @Test
    void errorsOfTheLastHourAreCountedByTheirOAuthErrorCode() {
        Credentials client = server.createClient("acme");
        Credentials wrong = new Credentials(client.clientId(), "not-the-secret");
        for (int i = 0; i < 3; i++) {
            assertThat(server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                    "Authorization", wrong.basic()).statusCode()).isEqualTo(401);
        }
        assertThat(server.postForm("/oauth2/token", Map.of("grant_type", "password"),
                "Authorization", client.basic()).statusCode()).isEqualTo(400);

        assertThat(errors(overview())).isEqualTo(Map.of("invalid_client", 3L, "unsupported_grant_type", 1L));

        server.clock().advance(Duration.ofMinutes(30));
        assertThat(server.admin("GET", "/admin/overview?within=soon", null).statusCode()).isEqualTo(400);
        assertThat(errors(overview())).containsEntry("invalid_client", 3L).containsEntry("invalid_request", 1L);
        server.clock().advance(Duration.ofMinutes(30));
        assertThat(errors(overview())).isEqualTo(Map.of("invalid_request", 1L));
    }

    @Test
    void theBusiestClientsComeFirstAndAClientFetchingMoreThanItsLifetimeNeedsIsFlagged() {
        // Tokens live 30 minutes: a client that caches them needs 2 an hour, and is flagged past 4.
        Credentials fetchesEveryCall = server.createClient("acme");
        Credentials caches = server.createClient("globex");
        Credentials capped = server.createClient("initech");
        server.admin("PATCH", "/admin/clients/" + capped.clientId(), "{\"accessTokenTtl\":\"PT5M\"}"); // needs 12
        for (int i = 0; i < 5; i++) {
            server.token(fetchesEveryCall);
            server.token(capped);
        }
        server.token(caches);
        server.token(caches);
        server.server().foldUsage();
        server.token(fetchesEveryCall); // still in memory: counted all the same

        JsonNode overview = overview();

        assertThat(overview.get("tokensLastHour").asLong()).isEqualTo(13);
        JsonNode top = overview.get("topClients");
        assertThat(top).hasSize(3);
        assertThat(top.get(0).get("clientId").asText()).isEqualTo(fetchesEveryCall.clientId());
        assertThat(top.get(0).get("partnerId").asText()).isEqualTo("acme");
        assertThat(top.get(0).get("lastHour").asLong()).isEqualTo(6);
        assertThat(top.get(0).get("tokensNeededPerHour").asLong()).isEqualTo(2);
        assertThat(top.get(0).get("notCaching").asBoolean()).isTrue();
        assertThat(top.get(1).get("clientId").asText()).isEqualTo(capped.clientId());
        assertThat(top.get(1).get("tokensNeededPerHour").asLong()).isEqualTo(12);
        assertThat(top.get(1).get("notCaching").asBoolean()).isFalse();
        assertThat(top.get(2).get("clientId").asText()).isEqualTo(caches.clientId());
        assertThat(top.get(2).get("notCaching").asBoolean()).isFalse();
        assertThat(overview.get("notCaching")).hasSize(1);
        assertThat(overview.get("notCaching").get(0).get("clientId").asText()).isEqualTo(fetchesEveryCall.clientId());

        JsonNode usage = TestServer.json(server.admin("GET",
                "/admin/clients/" + fetchesEveryCall.clientId() + "/usage", null));
        assertThat(usage.get("notCaching").asBoolean()).isTrue();
        assertThat(usage.get("tokensNeededPerHour").asLong()).isEqualTo(2);

        server.admin("DELETE", "/admin/clients/" + fetchesEveryCall.clientId(), null);
        assertThat(overview().get("topClients")).hasSize(2);
        assertThat(overview().get("notCaching")).isEmpty();
    }

    @Test
    void aClientGrantedAnApiNeedsTheTokensOfThatApiToo() {
        Credentials client = server.createClient("acme");
        HttpResponse<String> api = server.admin("POST", "/admin/apis",
                "{\"identifier\":\"https://orders.example\",\"scopes\":[\"orders:read\"],\"accessTokenTtl\":\"PT10M\"}");
        assertThat(api.statusCode()).isEqualTo(201);
        assertThat(server.admin("PUT", "/admin/clients/" + client.clientId() + "/apis/"
                + TestServer.json(api).get("id").asText(), "{\"scopes\":[\"orders:read\"]}").statusCode())
                .isEqualTo(200);
        for (int i = 0; i < 10; i++) {
            server.token(client, "resource", "https://orders.example");
        }

        JsonNode top = overview().get("topClients").get(0);

        assertThat(top.get("tokensNeededPerHour").asLong()).isEqualTo(2 + 6);
        assertThat(top.get("notCaching").asBoolean()).isFalse();
    }

    @Test
    void secretsExpiringWithinTheWarningOrTheGivenDurationAreListedSoonestFirst() {
        Credentials inAWeek = create("{\"partnerId\":\"acme\",\"secretTtl\":\"P7D\"}");
        Credentials inAMonth = create("{\"partnerId\":\"globex\",\"name\":\"Billing\",\"secretTtl\":\"P30D\"}");
        Credentials expired = create("{\"partnerId\":\"initech\",\"secretTtl\":\"PT1H\"}");
        server.createClient("never");
        server.clock().advance(Duration.ofHours(2));

        JsonNode overview = overview();

        assertThat(overview.get("secretsExpiringWithin").asText()).isEqualTo("P14D");
        assertThat(clientIds(overview.get("expiringSecrets"))).containsExactly(expired.clientId(), inAWeek.clientId());
        assertThat(overview.get("expiringSecrets").get(0).get("expired").asBoolean()).isTrue();
        assertThat(overview.get("expiringSecrets").get(1).get("expired").asBoolean()).isFalse();
        assertThat(Instant.parse(overview.get("expiringSecrets").get(1).get("secretExpiresAt").asText()))
                .isAfter(server.clock().instant().plus(Duration.ofDays(6)));

        JsonNode longer = TestServer.json(server.admin("GET", "/admin/overview?within=P60D", null));
        assertThat(clientIds(longer.get("expiringSecrets")))
                .containsExactly(expired.clientId(), inAWeek.clientId(), inAMonth.clientId());
        assertThat(longer.get("expiringSecrets").get(2).get("name").asText()).isEqualTo("Billing");
        assertThat(longer.get("secretsExpiringWithin").asText()).isEqualTo("P60D");
    }

    @Test
    void aWebhookIsListedAsFailingFromItsThirdFailedAttemptUntilADeliverySucceeds() {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.answer(500);
            HttpResponse<String> created = server.admin("POST", "/admin/webhooks",
                    "{\"url\":\"" + receiver.url("/hook") + "\",\"events\":[\"client.created\"]}");
            assertThat(created.statusCode()).isEqualTo(201);
            String webhook = TestServer.json(created).get("id").asText();
            server.createClient("acme");
            awaitAttempts(webhook, 1);
            server.clock().advance(Duration.ofMillis(1300)); // past the first wait (1 s ± 20 %)
            awaitAttempts(webhook, 2);
            assertThat(overview().get("failingWebhooks")).isEmpty();

            server.clock().advance(Duration.ofSeconds(5)); // past the second (4 s ± 20 %)
            awaitAttempts(webhook, 3);
            JsonNode failing = awaitOverview(overview -> !overview.get("failingWebhooks").isEmpty())
                    .get("failingWebhooks");

            assertThat(failing).hasSize(1);
            assertThat(failing.get(0).get("id").asText()).isEqualTo(webhook);
            assertThat(failing.get(0).get("url").asText()).isEqualTo(receiver.url("/hook"));
            assertThat(Instant.parse(failing.get(0).get("failingSince").asText()))
                    .isBeforeOrEqualTo(server.clock().instant());

            receiver.answer(200);
            server.clock().advance(Duration.ofSeconds(20));
            receiver.awaitReceived(BOUND, all -> all.size() == 4);
            assertThat(awaitOverview(overview -> overview.get("failingWebhooks").isEmpty())
                    .get("failingWebhooks")).isEmpty();
        }
    }

    @Test
    void aMalformedOrNonPositiveWithinIsA400WithTheAdminErrorBody() {
        for (String within : List.of("soon", "P-1D", "PT0S", "P9999D", "14")) {
            HttpResponse<String> refused = server.admin("GET", "/admin/overview?within=" + within, null);
            assertThat(refused.statusCode()).as(within).isEqualTo(400);
            JsonNode body = TestServer.json(refused);
            assertThat(body.get("code").asInt()).isEqualTo(400);
            assertThat(body.get("error").asText()).isEqualTo("invalid_request");
            assertThat(body.get("message").asText()).contains("within");
        }
        assertThat(server.admin("GET", "/admin/overview?within=P1D&within=P2D", null).statusCode()).isEqualTo(400);
    }

    @Test
    void theOverviewNeedsAnAdminApiKey() {
        assertThat(server.get("/admin/overview").statusCode()).isEqualTo(401);
        assertThat(server.get("/admin/overview", "X-API-Key", "not-a-key").statusCode()).isEqualTo(401);
    }

    private JsonNode overview() {
        HttpResponse<String> response = server.admin("GET", "/admin/overview", null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestServer.json(response);
    }

    /** Returns once the delivery log of {@code webhook} records {@code attempts} attempts of its delivery. */
    private void awaitAttempts(String webhook, int attempts) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        JsonNode deliveries;
        do {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the delivery was not attempted " + attempts + " times");
            }
            deliveries = TestServer.json(server.admin("GET", "/admin/webhooks/" + webhook + "/deliveries", null))
                    .get("deliveries");
        } while (deliveries.isEmpty() || deliveries.get(0).get("attempts").asInt() < attempts);
    }

    /** The overview once it satisfies {@code condition}, polled for at most {@link #BOUND}. */
    private JsonNode awaitOverview(java.util.function.Predicate<JsonNode> condition) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        JsonNode overview;
        while (!condition.test(overview = overview())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the overview did not come to what was awaited: " + overview);
            }
            Thread.onSpinWait();
        }
        return overview;
    }

    private Credentials create(String json) {
        HttpResponse<String> created = server.admin("POST", "/admin/clients", json);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode body = TestServer.json(created);
        return new Credentials(body.get("clientId").asText(), body.get("clientSecret").asText());
    }

    private static List<Long> tokens(JsonNode minutes) {
        List<Long> counts = new ArrayList<>();
        minutes.forEach(minute -> counts.add(minute.get("tokens").asLong()));
        return counts;
    }

    private static Map<String, Long> errors(JsonNode overview) {
        Map<String, Long> errors = new HashMap<>();
        overview.get("errorsLastHour").forEach(error -> errors.put(error.get("error").asText(),
                error.get("count").asLong()));
        return errors;
    }

    private static List<String> clientIds(JsonNode clients) {
        List<String> ids = new ArrayList<>();
        clients.forEach(client -> ids.add(client.get("clientId").asText()));
        return ids;
    }
}
