package io.latchkey.server;

import static io.latchkey.server.PipelineErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.latchkey.server.TestServer.Credentials;
import io.latchkey.server.WebhookReceiver.Received;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SPEC §10, webhooks, over real HTTP to a real receiver: creation with a {@code whsec_} secret
 * shown once, listing, deletion and the delivery log; Standard Webhooks headers and signatures
 * (checked by an independent verifier); every event type; no secret or token in a payload; order
 * per webhook; retries with backoff (the server's clock moved, never slept through); a webhook
 * that keeps failing marked so; deliveries kept across a restart; bad input refused with 400.
 */
class WebhooksTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    @RegisterExtension
    final TestServer server = TestServer.extension(config -> config.webhookAllowPrivate(true)
            .webhookRetryMin(Duration.ofSeconds(1)));
    private final WebhookReceiver receiver = new WebhookReceiver();

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    @Test
    void creatingAWebhookAnswers201WithItsIdAndAWhsecSigningSecretShownOnlyThen() {
        HttpResponse<String> created = server.admin("POST", "/admin/webhooks",
                "{\"url\":\"" + receiver.url("/hooks") + "\",\"events\":[\"client.created\",\"client.deleted\"]}");

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = TestServer.json(created);
        String secret = body.get("secret").asText();
        assertThat(secret).matches("whsec_[A-Za-z0-9+/]+={0,2}");
        assertThat(new StandardWebhooksVerifier(secret).keyLength()).isGreaterThanOrEqualTo(24);
        assertThat(body.get("id").asText()).isNotBlank();
        assertThat(body.get("url").asText()).isEqualTo(receiver.url("/hooks"));
        assertThat(body.get("events").toString()).isEqualTo("[\"client.created\",\"client.deleted\"]");
        assertThat(body.get("failing").asBoolean()).isFalse();

        HttpResponse<String> listed = server.admin("GET", "/admin/webhooks", null);
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(listed).get("webhooks").get(0).get("id").asText()).isEqualTo(body.get("id").asText());
        assertThat(listed.body()).doesNotContain(secret.substring("whsec_".length())).doesNotContain("secret");
        assertThat(server.admin("GET", "/admin/webhooks/" + body.get("id").asText() + "/deliveries", null).body())
                .doesNotContain(secret.substring("whsec_".length()));
    }

    @Test
    void everyEventTypeIsDeliveredSignedPerStandardWebhooksWithNoSecretOrTokenInItsPayload() throws Exception {
        String secret = subscription("*").get("secret").asText();
        Credentials client = server.createClient("acme");
        JsonNode tokens = server.token(client);
        String refreshToken = tokens.get("refresh_token").asText();
        assertThat(refresh(client, refreshToken).statusCode()).isEqualTo(200);
        assertThat(refresh(client, refreshToken).statusCode()).isEqualTo(400); // reused: the family is revoked
        JsonNode rotated = TestServer.json(server.admin("POST", "/admin/clients/" + client.clientId() + "/secret", "{}"));
        JsonNode apiKey = TestServer.json(server.admin("POST", "/admin/api-keys", "{\"name\":\"ci\"}"));
        assertThat(server.admin("DELETE", "/admin/api-keys/" + apiKey.get("id").asText(), null).statusCode())
                .isEqualTo(200);
        assertThat(server.admin("POST", "/admin/keys/rotate", null).statusCode()).isEqualTo(200);
        JsonNode expiring = TestServer.json(server.admin("POST", "/admin/clients",
                "{\"partnerId\":\"beta\",\"secretTtl\":\"P1D\"}"));
        server.server().housekeep(); // within the warning window (P14D): client.secret_expiring
        assertThat(server.admin("DELETE", "/admin/clients/" + client.clientId(), null).statusCode()).isEqualTo(200);

        List<String> expected = List.of("client.created", "refresh_token.reuse_detected", "client.secret_rotated",
                "apikey.created", "apikey.deleted", "keys.rotated", "client.created", "client.secret_expiring",
                "client.deleted");
        List<Received> received = receiver.awaitReceived(BOUND, all -> all.size() >= expected.size());

        assertThat(received.stream().map(r -> type(r)).toList()).isEqualTo(expected);
        StandardWebhooksVerifier verifier = new StandardWebhooksVerifier(secret);
        for (Received delivery : received) {
            assertThat(delivery.id()).startsWith("msg_");
            assertThat(Long.parseLong(delivery.timestamp())).isCloseTo(server.clock().instant().getEpochSecond(),
                    org.assertj.core.data.Offset.offset(60L));
            assertThat(verifier.verifies(delivery.id(), delivery.timestamp(), delivery.body(), delivery.signature()))
                    .as("the signature of %s", delivery.body()).isTrue();
            assertThat(verifier.verifies(delivery.id(), delivery.timestamp(), delivery.body() + " ",
                    delivery.signature())).isFalse();
            assertThat(delivery.contentType()).startsWith("application/json");
            assertThat(delivery.traceparent()).as("tracing is off").isNull();
            JsonNode payload = parse(delivery.body());
            assertThat(payload.fieldNames()).toIterable().containsExactly("type", "timestamp", "data");
            assertThat(Instant.parse(payload.get("timestamp").asText())).isNotNull();
            assertThat(delivery.body()).doesNotContain(client.secret()).doesNotContain(rotated.get("clientSecret").asText())
                    .doesNotContain(apiKey.get("apiKey").asText()).doesNotContain(refreshToken)
                    .doesNotContain(tokens.get("access_token").asText())
                    .doesNotContain(expiring.get("clientSecret").asText());
        }
        assertThat(received.stream().map(Received::id).distinct()).hasSize(received.size());
        JsonNode created = parse(received.get(0).body()).get("data");
        assertThat(created.get("clientId").asText()).isEqualTo(client.clientId());
        assertThat(created.get("partnerId").asText()).isEqualTo("acme");
        assertThat(parse(received.get(7).body()).get("data").get("secretExpiresAt").asText())
                .isEqualTo(expiring.get("secretExpiresAt").asText());
    }

    @Test
    void aClientLockedOutForFailedAuthenticationsIsReported() throws Exception {
        try (WebhookReceiver own = new WebhookReceiver();
             TestServer strict = TestServer.start(config -> config.webhookAllowPrivate(true)
                     .authFailureBurst(3).authFailurePerMinute(1))) {
            strict.admin("POST", "/admin/webhooks",
                    "{\"url\":\"" + own.url("/") + "\",\"events\":[\"client.locked_out\"]}");
            Credentials client = strict.createClient("acme");
            for (int i = 0; i < 4; i++) {
                strict.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                        "Authorization", new Credentials(client.clientId(), "wrong-" + i).basic());
            }

            Received locked = own.awaitReceived(BOUND, all -> !all.isEmpty()).get(0);

            assertThat(type(locked)).isEqualTo("client.locked_out");
            assertThat(parse(locked.body()).get("data").get("clientId").asText())
                    .isEqualTo(client.clientId());
        }
    }

    @Test
    void aWebhookGetsOnlyTheTypesItSubscribedToAndNothingAfterItIsDeleted() {
        String id = TestServer.json(server.admin("POST", "/admin/webhooks",
                "{\"url\":\"" + receiver.url("/") + "\",\"events\":[\"client.deleted\"]}")).get("id").asText();
        Credentials first = server.createClient("acme");
        server.admin("DELETE", "/admin/clients/" + first.clientId(), null);
        receiver.awaitReceived(BOUND, all -> all.size() == 1);

        assertThat(server.admin("DELETE", "/admin/webhooks/" + id, null).statusCode()).isEqualTo(200);
        assertError(server.admin("DELETE", "/admin/webhooks/" + id, null), 404, "not_found");
        assertError(server.admin("GET", "/admin/webhooks/" + id + "/deliveries", null), 404, "not_found");
        Credentials second = server.createClient("acme");
        server.admin("DELETE", "/admin/clients/" + second.clientId(), null);
        server.clock().advance(Duration.ofSeconds(1));
        subscribe("client.deleted"); // a later webhook gets only what happens after it is created
        Credentials third = server.createClient("acme");
        server.admin("DELETE", "/admin/clients/" + third.clientId(), null);
        List<Received> received = receiver.awaitReceived(BOUND, all -> all.size() == 2);

        assertThat(received.stream().map(this::type).toList()).containsOnly("client.deleted");
        assertThat(received.get(1).body()).contains(third.clientId()).doesNotContain(second.clientId());
    }

    @Test
    void deliveriesToOneWebhookArriveInTheOrderOfTheChanges() {
        subscribe("client.created");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            created.add(server.createClient("acme").clientId());
        }

        List<Received> received = receiver.awaitReceived(BOUND, all -> all.size() == created.size());

        assertThat(received.stream().map(r -> parse(r.body()).get("data").get("clientId").asText())
                .toList()).isEqualTo(created);
    }

    @Test
    void aFailedDeliveryIsRetriedWithBackoffUnderTheSameIdAndHoldsBackLaterEventsUntilItIsDelivered() {
        receiver.answer(500);
        String webhook = subscribe("client.created");
        String first = server.createClient("acme").clientId();
        receiver.awaitReceived(BOUND, all -> all.size() == 1);
        JsonNode attempt = awaitDelivery(webhook, d -> d.get("attempts").asInt() == 1);
        assertThat(attempt.get("status").asText()).isEqualTo("pending");
        assertThat(attempt.get("lastStatusCode").asInt()).isEqualTo(500);
        Duration wait = Duration.between(server.clock().instant(), Instant.parse(attempt.get("nextAttemptAt").asText()));
        assertThat(wait).isBetween(Duration.ofMillis(700), Duration.ofMillis(1300)); // 1 s ± 20 %
        String second = server.createClient("acme").clientId();

        server.clock().advance(Duration.ofMillis(1300));
        receiver.awaitReceived(BOUND, all -> all.size() == 2);
        attempt = awaitDelivery(webhook, d -> d.get("attempts").asInt() == 2);
        Duration longer = Duration.between(server.clock().instant(), Instant.parse(attempt.get("nextAttemptAt").asText()));
        assertThat(longer).isBetween(Duration.ofMillis(3000), Duration.ofMillis(5000)); // 4 s ± 20 %
        server.clock().advance(Duration.ofSeconds(5));
        receiver.awaitReceived(BOUND, all -> all.size() == 3);
        attempt = awaitDelivery(webhook, d -> d.get("attempts").asInt() == 3);
        assertThat(attempt.get("status").asText()).isEqualTo("failing");
        assertThat(webhookView(webhook).get("failing").asBoolean()).isTrue();

        receiver.answer(200);
        server.clock().advance(Duration.ofSeconds(20));
        List<Received> received = receiver.awaitReceived(BOUND, all -> all.size() == 5);

        assertThat(received.subList(0, 4).stream().map(Received::id).distinct()).hasSize(1);
        assertThat(received.get(3).body()).contains(first);
        assertThat(received.get(4).body()).contains(second);
        assertThat(received.get(4).id()).isNotEqualTo(received.get(3).id());
        awaitNewestDelivery(webhook, d -> d.get("status").asText().equals("delivered") && d.get("attempts").asInt() == 1);
        assertThat(webhookView(webhook).get("failing").asBoolean()).isFalse();
        String metrics = server.get("/metrics").body();
        assertThat(metrics).contains("latchkey_webhook_deliveries_total{outcome=\"retried\"} 3.0")
                .contains("latchkey_webhook_deliveries_total{outcome=\"delivered\"} 2.0")
                .contains("latchkey_webhooks_failing");
    }

    @Test
    void aDeliveryIsRetriedForADayThenGivenUpAndTheNextEventGoesOut() {
        receiver.answer(503);
        String webhook = subscribe("client.created");
        server.createClient("acme");
        receiver.awaitReceived(BOUND, all -> all.size() == 1);
        awaitDelivery(webhook, d -> d.get("attempts").asInt() == 1);

        int attempts = 1;
        while (!latestDelivery(webhook).get("status").asText().equals("failed")) {
            server.clock().advance(Duration.ofHours(7)); // past the longest wait (6 h + 20 %)
            int sent = ++attempts;
            awaitDelivery(webhook, d -> d.get("attempts").asInt() == sent);
            assertThat(attempts).isLessThanOrEqualTo(11);
        }
        JsonNode failed = latestDelivery(webhook);
        assertThat(Duration.between(Instant.parse(failed.get("createdAt").asText()),
                Instant.parse(failed.get("updatedAt").asText()))).isGreaterThanOrEqualTo(Duration.ofHours(24));
        assertThat(failed.get("nextAttemptAt").isNull()).isTrue();
        assertThat(webhookView(webhook).get("failing").asBoolean()).isTrue();

        receiver.answer(200);
        String next = server.createClient("acme").clientId();
        assertThat(receiver.awaitReceived(BOUND, all -> all.get(all.size() - 1).body().contains(next))).isNotEmpty();
        awaitWebhook(webhook, view -> !view.get("failing").asBoolean());
    }

    @Test
    void pendingDeliveriesAreSentAfterARestart() {
        receiver.answer(503);
        String webhook = subscribe("client.created");
        String client = server.createClient("acme").clientId();
        receiver.awaitReceived(BOUND, all -> all.size() == 1);

        server.restart(() -> receiver.answer(200));
        server.clock().advance(Duration.ofSeconds(2)); // past the first retry's wait

        List<Received> received = receiver.awaitReceived(Duration.ofSeconds(30), all -> all.size() == 2);
        assertThat(received.get(1).id()).isEqualTo(received.get(0).id());
        assertThat(received.get(1).body()).contains(client);
        awaitDelivery(webhook, d -> d.get("status").asText().equals("delivered"));
    }

    @Test
    void theDeliveryLogIsPagedNewestFirst() {
        String webhook = subscribe("client.created");
        for (int i = 0; i < 3; i++) {
            server.createClient("acme");
        }
        receiver.awaitReceived(BOUND, all -> all.size() == 3);
        awaitNewestDelivery(webhook, d -> d.get("status").asText().equals("delivered"));

        JsonNode page = TestServer.json(server.admin("GET", "/admin/webhooks/" + webhook + "/deliveries?limit=2", null));
        assertThat(page.get("deliveries")).hasSize(2);
        JsonNode rest = TestServer.json(server.admin("GET", "/admin/webhooks/" + webhook + "/deliveries?limit=2&cursor="
                + page.get("next").asText(), null));

        assertThat(rest.get("deliveries")).hasSize(1);
        assertThat(rest.has("next")).isFalse();
        JsonNode oldest = rest.get("deliveries").get(0);
        assertThat(oldest.get("eventId").asText()).startsWith("msg_");
        assertThat(oldest.get("type").asText()).isEqualTo("client.created");
        assertThat(oldest.get("status").asText()).isEqualTo("delivered");
        assertThat(oldest.get("attempts").asInt()).isEqualTo(1);
        assertThat(oldest.get("lastStatusCode").asInt()).isEqualTo(200);
        assertError(server.admin("GET", "/admin/webhooks/" + webhook + "/deliveries?limit=0", null), 400,
                "invalid_request");
        assertError(server.admin("GET", "/admin/webhooks/" + webhook + "/deliveries?cursor=x", null), 400,
                "invalid_request");
    }

    @Test
    void badInputIsRefusedWith400AndTheAdminErrorBody() {
        String url = receiver.url("/");
        for (String body : List.of("{\"events\":[\"*\"]}", "{\"url\":\"not a url\",\"events\":[\"*\"]}",
                "{\"url\":\"ftp://example.com/hook\",\"events\":[\"*\"]}", "{\"url\":\"/relative\",\"events\":[\"*\"]}",
                "{\"url\":\"" + url + "\"}", "{\"url\":\"" + url + "\",\"events\":[]}",
                "{\"url\":\"" + url + "\",\"events\":[\"client.exploded\"]}",
                "{\"url\":\"" + url + "\",\"events\":[\"client.created\",42]}",
                "{\"url\":42,\"events\":[\"*\"]}")) {
            assertError(server.admin("POST", "/admin/webhooks", body), 400, "invalid_request");
        }
        assertThat(TestServer.json(server.admin("GET", "/admin/webhooks", null)).get("webhooks")).isEmpty();
    }

    @Test
    void loopbackPrivateAndLinkLocalTargetsAreRefusedUnlessTheOperatorAllowsThem() {
        try (TestServer guarded = TestServer.start()) {
            for (String url : List.of(receiver.url("/"), "http://localhost:8080/", "http://10.1.2.3/hook",
                    "http://192.168.0.10/", "http://169.254.169.254/latest/meta-data", "http://[::1]/",
                    "http://[fd00::1]/")) {
                JsonNode error = assertError(guarded.admin("POST", "/admin/webhooks",
                        "{\"url\":\"" + url + "\",\"events\":[\"*\"]}"), 400, "invalid_request");
                assertThat(error.toString()).contains("LATCHKEY_WEBHOOK_ALLOW_PRIVATE");
            }
        }
        assertThat(server.admin("POST", "/admin/webhooks", "{\"url\":\"" + receiver.url("/")
                + "\",\"events\":[\"*\"]}").statusCode()).isEqualTo(201);
    }

    /** Subscribes the receiver to {@code events}; returns the webhook's id. */
    private String subscribe(String... events) {
        return subscription(events).get("id").asText();
    }

    private JsonNode subscription(String... events) {
        HttpResponse<String> created = server.admin("POST", "/admin/webhooks", "{\"url\":\"" + receiver.url("/hook")
                + "\",\"events\":" + TestServer.write(List.of(events)) + "}");
        assertThat(created.statusCode()).isEqualTo(201);
        return TestServer.json(created);
    }

    private static JsonNode parse(String json) {
        try {
            return TestServer.JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    /** {@code webhook}'s view once it satisfies {@code condition}. */
    private JsonNode awaitWebhook(String webhook, java.util.function.Predicate<JsonNode> condition) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        JsonNode view;
        while (!condition.test(view = webhookView(webhook))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the webhook did not come to what was awaited: " + view);
            }
            Thread.onSpinWait();
        }
        return view;
    }

    private JsonNode webhookView(String id) {
        for (JsonNode webhook : TestServer.json(server.admin("GET", "/admin/webhooks", null)).get("webhooks")) {
            if (webhook.get("id").asText().equals(id)) {
                return webhook;
            }
        }
        throw new AssertionError("no webhook " + id);
    }

    private JsonNode latestDelivery(String webhook) {
        JsonNode deliveries = TestServer.json(server.admin("GET", "/admin/webhooks/" + webhook + "/deliveries?limit=1",
                null)).get("deliveries");
        return deliveries.isEmpty() ? null : deliveries.get(0);
    }

    /** The oldest delivery of {@code webhook} once it satisfies {@code condition}. */
    private JsonNode awaitDelivery(String webhook, java.util.function.Predicate<JsonNode> condition) {
        return awaitDelivery(webhook, false, condition);
    }

    /** The newest delivery of {@code webhook} once it satisfies {@code condition}. */
    private JsonNode awaitNewestDelivery(String webhook, java.util.function.Predicate<JsonNode> condition) {
        return awaitDelivery(webhook, true, condition);
    }

    private JsonNode awaitDelivery(String webhook, boolean newest, java.util.function.Predicate<JsonNode> condition) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (true) {
            JsonNode deliveries = TestServer.json(server.admin("GET", "/admin/webhooks/" + webhook + "/deliveries",
                    null)).get("deliveries");
            JsonNode oldest = deliveries.isEmpty() ? null : deliveries.get(newest ? 0 : deliveries.size() - 1);
            if (oldest != null && condition.test(oldest)) {
                return oldest;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the delivery log did not come to what was awaited: " + deliveries);
            }
            Thread.onSpinWait();
        }
    }

    private HttpResponse<String> refresh(Credentials client, String refreshToken) {
        return server.postForm("/oauth2/token", Map.of("grant_type", "refresh_token", "refresh_token", refreshToken),
                "Authorization", client.basic());
    }

    private String type(Received delivery) {
        return parse(delivery.body()).get("type").asText();
    }
}
