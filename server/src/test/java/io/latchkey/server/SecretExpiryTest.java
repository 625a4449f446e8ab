package io.latchkey.server;

import static io.latchkey.server.MultiInstanceTest.assertWithin;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.latchkey.server.TestServer.Credentials;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SPEC §10, secret expiry: {@code secretTtl} on creation (admin API and pipeline) and rotation,
 * {@code secretExpiresAt} in views, an expired secret refused as {@code invalid_client} saying it
 * expired, {@code client.secret_expiring} once per secret within the warning window.
 */
class SecretExpiryTest {
    @RegisterExtension
    final TestServer server = TestServer.extension();

    @Test
    void aSecretPastItsTtlIsRefusedAsInvalidClientWithADescriptionThatSaysItExpired() {
        Credentials client = create("{\"partnerId\":\"acme\",\"secretTtl\":\"PT1H\"}");
        assertThat(tokenStatus(client)).isEqualTo(200);

        server.clock().advance(Duration.ofHours(1));

        HttpResponse<String> token = tokenRequest(client);
        assertThat(token.statusCode()).isEqualTo(401);
        assertThat(token.headers().firstValue("WWW-Authenticate")).isPresent();
        JsonNode error = TestServer.json(token);
        assertThat(error.get("error").asText()).isEqualTo("invalid_client");
        assertThat(error.get("error_description").asText()).contains("expired");
        HttpResponse<String> pipeline = server.pipeline(Map.of("username", client.clientId(),
                "password", client.secret(), "grant_type", "client_credentials"));
        assertThat(pipeline.statusCode()).isEqualTo(401);
        assertThat(TestServer.json(pipeline).get("error").asText()).isEqualTo("invalid_client");
        assertThat(TestServer.json(pipeline).get("message").asText()).contains("expired");
        assertThat(token.body() + pipeline.body()).doesNotContain(client.secret());
    }

    @Test
    void aWrongSecretOfAClientWhoseSecretExpiredSaysNothingOfTheExpiry() {
        Credentials client = create("{\"partnerId\":\"acme\",\"secretTtl\":\"PT1H\"}");
        server.clock().advance(Duration.ofHours(2));

        HttpResponse<String> token = tokenRequest(new Credentials(client.clientId(), "wrong"));

        assertThat(token.statusCode()).isEqualTo(401);
        assertThat(TestServer.json(token).get("error_description").asText()).doesNotContain("expired");
    }

    @Test
    void viewsCarrySecretExpiresAtAndKeepItAcrossARestart() {
        HttpResponse<String> created = server.admin("POST", "/admin/clients",
                "{\"partnerId\":\"acme\",\"secretTtl\":\"P90D\"}");
        JsonNode body = TestServer.json(created);
        Instant createdAt = Instant.parse(body.get("createdAt").asText());
        String expiresAt = createdAt.plus(Duration.ofDays(90)).toString();
        assertThat(body.get("secretExpiresAt").asText()).isEqualTo(expiresAt);
        String id = body.get("clientId").asText();

        server.restart();

        assertThat(TestServer.json(server.admin("GET", "/admin/clients/" + id, null)).get("secretExpiresAt").asText())
                .isEqualTo(expiresAt);
        assertThat(TestServer.json(server.admin("GET", "/admin/clients", null)).get("clients").get(0)
                .get("secretExpiresAt").asText()).isEqualTo(expiresAt);
        Credentials forever = server.createClient("acme");
        assertThat(TestServer.json(server.admin("GET", "/admin/clients/" + forever.clientId(), null))
                .get("secretExpiresAt").isNull()).isTrue();
    }

    @Test
    void thePipelinesCreateTakesSecretTtl() {
        HttpResponse<String> created = server.pipeline(Map.of("partnerId", "acme", "executionType", "create",
                "apikey", TestServer.ADMIN_KEY, "secretTtl", "P1D"));
        assertThat(created.statusCode()).isEqualTo(200);
        JsonNode body = TestServer.json(created);
        Credentials client = new Credentials(body.get("clientId").asText(), body.get("clientSecret").asText());
        assertThat(body.has("secretExpiresAt")).isTrue();
        assertThat(tokenStatus(client)).isEqualTo(200);

        server.clock().advance(Duration.ofDays(1));

        assertThat(tokenStatus(client)).isEqualTo(401);
    }

    @Test
    void rotationTakesSecretTtlAndTheNewSecretExpiresThen() {
        Credentials client = create("{\"partnerId\":\"acme\",\"secretTtl\":\"PT1H\"}");
        HttpResponse<String> rotated = server.admin("POST", "/admin/clients/" + client.clientId() + "/secret",
                "{\"secretTtl\":\"P30D\"}");
        assertThat(rotated.statusCode()).isEqualTo(200);
        JsonNode body = TestServer.json(rotated);
        Credentials renewed = new Credentials(client.clientId(), body.get("clientSecret").asText());
        assertThat(Instant.parse(body.get("secretExpiresAt").asText()))
                .isAfter(server.clock().instant().plus(Duration.ofDays(29)));

        server.clock().advance(Duration.ofDays(2));
        assertThat(tokenStatus(renewed)).isEqualTo(200);
        server.clock().advance(Duration.ofDays(28));
        assertThat(tokenStatus(renewed)).isEqualTo(401);
    }

    @Test
    void aGracePeriodNeverKeepsAnOldSecretPastItsOwnExpiry() {
        Credentials client = create("{\"partnerId\":\"acme\",\"secretTtl\":\"PT1H\"}");
        server.admin("POST", "/admin/clients/" + client.clientId() + "/secret", "{\"graceSeconds\":86400}");

        server.clock().advance(Duration.ofMinutes(59));
        assertThat(tokenStatus(client)).isEqualTo(200);
        server.clock().advance(Duration.ofMinutes(1));
        assertThat(tokenStatus(client)).isEqualTo(401);
    }

    @Test
    void clientSecretExpiringIsAuditedOncePerSecretWithinTheWarningWindowAndCounted() {
        Credentials client = create("{\"partnerId\":\"acme\",\"secretTtl\":\"P20D\"}");
        create("{\"partnerId\":\"acme\"}"); // never expires: never warned of
        server.server().housekeep();
        assertThat(expiringEvents()).isEmpty();

        server.clock().advance(Duration.ofDays(7)); // 13 days left, within the default P14D
        server.server().housekeep();
        server.server().housekeep();

        List<JsonNode> events = expiringEvents();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).get("clientId").asText()).isEqualTo(client.clientId());
        assertThat(events.get(0).get("detail").asText()).contains("expires at");
        assertThat(PrometheusText.parse(server.get("/metrics").body()).value("latchkey_client_secrets_expiring"))
                .isEqualTo(1.0);

        // A new secret is a new secret to warn of.
        server.admin("POST", "/admin/clients/" + client.clientId() + "/secret", "{\"secretTtl\":\"P20D\"}");
        server.server().housekeep();
        assertThat(expiringEvents()).hasSize(1);
        server.clock().advance(Duration.ofDays(7));
        server.server().housekeep();
        assertThat(expiringEvents()).hasSize(2);
    }

    @Test
    void listingWithExpiringWithinShowsOnlyClientsWhoseSecretExpiresByThenOrHasExpired() {
        Credentials soon = create("{\"partnerId\":\"acme\",\"secretTtl\":\"P7D\"}");
        Credentials expired = create("{\"partnerId\":\"acme\",\"secretTtl\":\"PT1H\"}");
        create("{\"partnerId\":\"acme\",\"secretTtl\":\"P60D\"}");
        create("{\"partnerId\":\"acme\"}");
        server.clock().advance(Duration.ofHours(2));

        JsonNode clients = TestServer.json(server.admin("GET", "/admin/clients?expiringWithin=P14D", null))
                .get("clients");

        List<String> ids = new ArrayList<>();
        clients.forEach(client -> ids.add(client.get("clientId").asText()));
        assertThat(ids).containsExactlyInAnyOrder(soon.clientId(), expired.clientId());
        assertThat(server.admin("GET", "/admin/clients?expiringWithin=soon", null).statusCode()).isEqualTo(400);
    }

    @Test
    void aNonPositiveOrMalformedSecretTtlIsA400WithTheEndpointsErrorBody() {
        for (String ttl : List.of("\"PT0S\"", "\"-PT1H\"", "\"soon\"", "42", "\"PT0.5S\"")) {
            HttpResponse<String> admin = server.admin("POST", "/admin/clients",
                    "{\"partnerId\":\"acme\",\"secretTtl\":" + ttl + "}");
            assertThat(admin.statusCode()).as(ttl).isEqualTo(400);
            assertThat(TestServer.json(admin).get("error").asText()).isEqualTo("invalid_request");
            assertThat(TestServer.json(admin).get("code").asInt()).isEqualTo(400);
        }
        Map<String, Object> create = new LinkedHashMap<>(Map.of("partnerId", "acme", "executionType", "create",
                "apikey", TestServer.ADMIN_KEY, "secretTtl", "PT0S"));
        HttpResponse<String> pipeline = server.pipeline(create);
        assertThat(pipeline.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(pipeline).get("error").asText()).isEqualTo("invalid_request");
        Credentials client = server.createClient("acme");
        HttpResponse<String> rotation = server.admin("POST", "/admin/clients/" + client.clientId() + "/secret",
                "{\"secretTtl\":\"-P1D\"}");
        assertThat(rotation.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(rotation).get("message").asText()).contains("secretTtl");
    }

    @Test
    void theDefaultSecretTtlAppliesWhenCreationAndRotationNameNone() {
        try (TestServer defaulted = TestServer.start(config -> config.secretTtl(Duration.ofDays(30)))) {
            JsonNode created = TestServer.json(defaulted.admin("POST", "/admin/clients", "{\"partnerId\":\"acme\"}"));
            Instant createdAt = Instant.parse(created.get("createdAt").asText());
            assertThat(created.get("secretExpiresAt").asText()).isEqualTo(createdAt.plus(Duration.ofDays(30)).toString());
            JsonNode rotated = TestServer.json(defaulted.admin("POST",
                    "/admin/clients/" + created.get("clientId").asText() + "/secret", null));
            assertThat(Instant.parse(rotated.get("secretExpiresAt").asText()))
                    .isAfter(defaulted.clock().instant().plus(Duration.ofDays(29)));
        }
    }

    @Test
    void theWarningWindowIsConfigurable() {
        try (TestServer early = TestServer.start(config -> config.secretExpiryWarning(Duration.ofDays(60)))) {
            early.admin("POST", "/admin/clients", "{\"partnerId\":\"acme\",\"secretTtl\":\"P30D\"}");
            early.server().housekeep();
            assertWithin(Duration.ofSeconds(5), () -> TestServer.json(early.admin("GET",
                    "/admin/audit?action=client.secret_expiring", null)).get("events").size() == 1);
        }
    }

    private Credentials create(String json) {
        HttpResponse<String> response = server.admin("POST", "/admin/clients", json);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode body = TestServer.json(response);
        return new Credentials(body.get("clientId").asText(), body.get("clientSecret").asText());
    }

    private HttpResponse<String> tokenRequest(Credentials client) {
        return server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                "Authorization", client.basic());
    }

    private int tokenStatus(Credentials client) {
        return tokenRequest(client).statusCode();
    }

    private List<JsonNode> expiringEvents() {
        List<JsonNode> events = new ArrayList<>();
        TestServer.json(server.admin("GET", "/admin/audit?action=client.secret_expiring", null)).get("events")
                .forEach(events::add);
        return events;
    }
}
