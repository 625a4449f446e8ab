package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.latchkey.server.TestServer.Credentials;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * SPEC §10 across instances on one PostgreSQL: usage is the sum of what every instance issued,
 * and {@code tokensPerHour} caps the sum, once the instances have folded their counts (every
 * few seconds; here at once).
 */
@Tag("multi-instance")
class UsageMultiInstanceTest {
    private TestServer a;
    private TestServer b;

    @BeforeEach
    void startTwoInstancesOnOneDatabase() {
        String url = PostgresForTests.newDatabase();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String masterKey = Base64.getEncoder().encodeToString(key);
        a = TestServer.start(config -> config.dbUrl(url).dbUser("postgres").masterKey(masterKey)
                .issuer("https://auth.example.test"));
        b = TestServer.start(config -> config.dbUrl(url).dbUser("postgres").masterKey(masterKey)
                .issuer("https://auth.example.test"));
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    @Test
    void usageIsTheSumOfWhatEveryInstanceIssued() {
        Credentials client = a.createClient("acme");
        for (int i = 0; i < 3; i++) {
            a.token(client);
        }
        b.token(client);
        b.token(client);

        a.server().foldUsage();
        b.server().foldUsage();

        assertThat(usage(a, client).get("lastHour").asLong()).isEqualTo(5);
        assertThat(usage(b, client).get("lastDay").asLong()).isEqualTo(5);
    }

    @Test
    void tokensPerHourCapsTheSumOverInstances() {
        HttpResponse<String> created = a.admin("POST", "/admin/clients", "{\"partnerId\":\"acme\",\"tokensPerHour\":4}");
        JsonNode body = TestServer.json(created);
        Credentials client = new Credentials(body.get("clientId").asText(), body.get("clientSecret").asText());
        for (int i = 0; i < 3; i++) {
            a.token(client);
        }
        a.server().foldUsage();
        b.token(client); // b learns of the client and its meter here
        b.server().foldUsage(); // and reads the three of a back

        assertThat(status(b, client)).isEqualTo(429);
        a.server().foldUsage();
        assertThat(status(a, client)).isEqualTo(429);
    }

    private static JsonNode usage(TestServer server, Credentials client) {
        return TestServer.json(server.admin("GET", "/admin/clients/" + client.clientId() + "/usage", null));
    }

    private static int status(TestServer server, Credentials client) {
        return server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                "Authorization", client.basic()).statusCode();
    }
}
