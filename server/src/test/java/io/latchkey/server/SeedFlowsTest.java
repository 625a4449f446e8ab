package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The integration model's four flows, with its payloads verbatim, end to end over HTTP. */
class SeedFlowsTest {
    @RegisterExtension
    static final TestServer server = TestServer.extension();

    @Test
    void theFourFlowsOfTheModelWorkAsItDescribesThem() throws Exception {
        HttpResponse<String> created = server.pipeline(Map.of(
                "partnerId", "TestSystem", "executionType", "create", "apikey", TestServer.ADMIN_KEY));
        assertThat(created.statusCode()).isEqualTo(200);
        JsonNode credentials = TestServer.json(created);
        String clientId = credentials.get("clientId").asText();
        String clientSecret = credentials.get("clientSecret").asText();
        assertThat(clientSecret).hasSizeGreaterThanOrEqualTo(43); // 256 bits, base64url

        HttpResponse<String> issued = server.pipeline(Map.of(
                "password", clientSecret, "grant_type", "client_credentials", "username", clientId));
        assertThat(issued.statusCode()).isEqualTo(200);
        JsonNode tokens = TestServer.json(issued);
        assertThat(tokens.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(tokens.get("expires_in").asLong()).isEqualTo(3_600_000L);
        assertThat(tokens.get("ext_expires_in").asLong()).isEqualTo(3_600_000L);
        assertThat(SignedJWT.parse(tokens.get("access_token").asText()).getHeader().getAlgorithm().getName())
                .isEqualTo("HS256");
        assertThat(SignedJWT.parse(tokens.get("refresh_token").asText()).getHeader().getAlgorithm().getName())
                .isEqualTo("HS512");

        HttpResponse<String> refreshed = server.pipeline(Map.of(
                "grant_type", "refresh_token", "refresh_token", tokens.get("refresh_token").asText()));
        assertThat(refreshed.statusCode()).isEqualTo(200);
        JsonNode renewed = TestServer.json(refreshed);
        assertThat(renewed.get("expires_in").asLong()).isEqualTo(3_600_000L);
        assertThat(renewed.get("refresh_token").asText()).isNotEqualTo(tokens.get("refresh_token").asText());

        HttpResponse<String> deleted = server.pipeline(Map.of(
                "clientId", clientId, "executionType", "delete", "apikey", TestServer.ADMIN_KEY));
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(deleted)).isEqualTo(TestServer.JSON.readTree(
                "{\"code\":200,\"message\":\"Success when deleting client credentials for the clientId: "
                        + clientId + "\"}"));
    }
}
