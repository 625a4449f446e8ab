package io.latchkey.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.latchkey.server.JwksServer;
import io.latchkey.server.TestServer;
import io.latchkey.server.TestServer.Credentials;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code latchkey client …} against a running server: what an operator types, what the partner then gets. */
class CliClientCommandsTest {
    @RegisterExtension
    static final TestServer server = TestServer.extension();

    @Test
    void createPrintsTheSecretOnceAndItWorksOnTheTokenEndpoint() {
        Cli.Result created = Cli.admin(server, "client", "create", "--partner", "Acme", "--scope", "orders:read",
                "--name", "Orders sync").succeeded();

        assertThat(created.out()).contains("shown only this once");
        assertThat(created.field("Partner")).isEqualTo("Acme");
        assertThat(created.field("Name")).isEqualTo("Orders sync");
        assertThat(created.field("Scopes")).isEqualTo("orders:read");
        Credentials credentials = new Credentials(created.field("Client ID"), created.field("Client secret"));
        JsonNode token = server.token(credentials, "scope", "orders:read");
        assertThat(token.get("access_token").asText()).isNotBlank();
    }

    @Test
    void createWithPrivateKeyJwtRegistersThePublicKeysAndPrintsNoSecret(@TempDir Path dir) throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("acme-1").generate();
        Path jwks = dir.resolve("acme-public.jwks.json");
        Files.writeString(jwks, new JWKSet(key.toPublicJWK()).toString(true));

        Cli.Result created = Cli.admin(server, "client", "create", "--partner", "Acme", "--auth", "private_key_jwt",
                "--jwks", jwks.toString()).succeeded();

        assertThat(created.out()).contains("no secret").doesNotContain("Client secret");
        assertThat(created.field("Authentication")).isEqualTo("private_key_jwt");
        assertThat(created.field("Keys")).isEqualTo("EC acme-1");
        String clientId = created.field("Client ID");
        SignedJWT assertion = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("acme-1").build(),
                new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(server.issuer() + "/oauth2/token")
                        .expirationTime(Date.from(server.clock().instant().plusSeconds(60)))
                        .jwtID(UUID.randomUUID().toString()).build());
        assertion.sign(new ECDSASigner(key));
        HttpResponse<String> token = server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials",
                "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion", assertion.serialize()));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
    }

    @Test
    void createWithAJwksUriRegistersTheUrlTheServerFetchedTheKeysFrom() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("acme-2").generate();
        try (JwksServer partner = new JwksServer()) {
            String uri = partner.serve(JwksServer.Answer.of(key.toPublicJWK()));

            Cli.Result created = Cli.admin(server, "client", "create", "--partner", "Acme", "--auth", "private_key_jwt",
                    "--jwks-uri", uri).succeeded();

            assertThat(created.out()).contains("no secret").doesNotContain("Client secret");
            assertThat(created.field("Keys at")).isEqualTo(uri);
            assertThat(partner.requests(uri)).isEqualTo(1);
        }
    }

    @Test
    void createWithAJwksUriOnAPlainHttpHostIsRefusedSayingWhy() {
        String refused = Cli.admin(server, "client", "create", "--partner", "Acme", "--auth", "private_key_jwt",
                "--jwks-uri", "http://jwks.example/keys.json").failedWith(1);

        assertThat(refused).contains("jwksUri").contains("https").contains("invalid_request");
    }

    @Test
    void createWithTlsClientAuthRegistersTheSubjectAndPrintsNoSecret() {
        Cli.Result created = Cli.admin(server, "client", "create", "--partner", "Acme", "--auth", "tls_client_auth",
                "--tls-subject", "CN=orders-sync,O=Acme").succeeded();

        assertThat(created.out()).contains("no secret").contains("certificate").doesNotContain("Client secret");
        assertThat(created.field("Authentication")).isEqualTo("tls_client_auth");
        assertThat(created.field("Certificate subject")).isEqualTo("CN=orders-sync,O=Acme");
    }

    @Test
    void createWithTlsClientAuthNeedsASubject() {
        String refused = Cli.admin(server, "client", "create", "--partner", "Acme", "--auth", "tls_client_auth")
                .failedWith(1);

        assertThat(refused).contains("--tls-subject");
    }

    @Test
    void createWithPrivateKeyJwtRefusesAPrivateKeyFile(@TempDir Path dir) throws Exception {
        Path jwks = dir.resolve("private.jwks.json");
        Files.writeString(jwks, new JWKSet(new ECKeyGenerator(Curve.P_256).generate()).toString(false));

        String refused = Cli.admin(server, "client", "create", "--partner", "Acme", "--auth", "private_key_jwt",
                "--jwks", jwks.toString()).failedWith(1);

        assertThat(refused).contains("private member").contains("invalid_request");
    }

    @Test
    void createWithJsonPrintsTheServersAnswer() {
        JsonNode created = Cli.admin(server, "client", "create", "-p", "Acme", "--scope", "orders:read,orders:write",
                "--scope", "invoices:read", "--json").succeeded().json();

        assertThat(created.get("partnerId").asText()).isEqualTo("Acme");
        assertThat(created.get("scopes")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("orders:read", "orders:write", "invoices:read");
        Credentials credentials = new Credentials(created.get("clientId").asText(), created.get("clientSecret").asText());
        assertThat(server.token(credentials).get("access_token").asText()).isNotBlank();
    }

    @Test
    void controlCharactersAPartnerIdCarriesArePrintedEscapedNeverSentToTheTerminal() {
        // ESC [ 2 J clears the operator's screen; ESC ] … rewrites its title: neither may reach it raw.
        String hostile = "Evil\u001b[2J\u001b]0;owned\u0007-" + UUID.randomUUID();
        HttpResponse<String> created = server.admin("POST", "/admin/clients",
                "{\"partnerId\":\"" + hostile.replace("\u001b", "\\u001b").replace("\u0007", "\\u0007") + "\"}");
        assertThat(created.statusCode()).isEqualTo(201);

        Cli.Result list = Cli.admin(server, "client", "list", "--partner", hostile).succeeded();
        Cli.Result audit = Cli.admin(server, "audit", "--action", "client.created").succeeded();

        for (Cli.Result printed : new Cli.Result[] {list, audit}) {
            assertThat(printed.out()).doesNotContain("\u001b", "\u0007").contains("Evil\\u001b[2J\\u001b]0;owned\\u0007-");
        }
    }

    @Test
    void listShowsThePartnersClientsAndNoSecret() {
        String partner = "Partner-" + UUID.randomUUID();
        Credentials first = create(partner);
        Credentials second = create(partner);
        Credentials other = create("Someone-else");

        Cli.Result table = Cli.admin(server, "client", "list", "--partner", partner).succeeded();
        JsonNode json = Cli.admin(server, "client", "list", "--partner", partner, "--json").succeeded().json();

        assertThat(table.out()).startsWith("CLIENT ID").contains(first.clientId(), second.clientId(), partner)
                .doesNotContain(other.clientId()).doesNotContain(first.secret()).doesNotContain(second.secret());
        assertThat(json.get("clients")).extracting(client -> client.get("clientId").asText())
                .containsExactlyInAnyOrder(first.clientId(), second.clientId());
        assertThat(json.toString()).doesNotContain(first.secret());
    }

    @Test
    void listOfAPartnerWithoutClientsSaysSo() {
        Cli.Result result = Cli.admin(server, "client", "list", "--partner", "Nobody-" + UUID.randomUUID()).succeeded();

        assertThat(result.out()).startsWith("No clients of partner Nobody-");
    }

    @Test
    void getShowsOneClientWithoutItsSecret() {
        Credentials client = create("Acme");

        Cli.Result shown = Cli.admin(server, "client", "get", client.clientId()).succeeded();
        JsonNode json = Cli.admin(server, "client", "get", client.clientId(), "--json").succeeded().json();

        assertThat(shown.field("Client ID")).isEqualTo(client.clientId());
        assertThat(shown.field("Partner")).isEqualTo("Acme");
        assertThat(shown.out()).doesNotContain(client.secret());
        assertThat(json.get("clientId").asText()).isEqualTo(client.clientId());
        assertThat(json.has("clientSecret")).isFalse();
    }

    @Test
    void rotateSecretPrintsANewSecretThatWorksWhileTheOldOneStopsAtOnce() {
        Credentials client = create("Acme");

        Cli.Result rotated = Cli.admin(server, "client", "rotate-secret", client.clientId()).succeeded();

        assertThat(rotated.field("Old secret")).isEqualTo("no longer works");
        Credentials renewed = new Credentials(client.clientId(), rotated.field("Client secret"));
        assertThat(renewed.secret()).isNotEqualTo(client.secret());
        assertThat(server.token(renewed).get("access_token").asText()).isNotBlank();
        assertThat(tokenStatus(client)).isEqualTo(401);
    }

    @Test
    void rotateSecretWithAGracePeriodKeepsTheOldSecretWorkingUntilThen() {
        Credentials client = create("Acme");

        JsonNode rotated = Cli.admin(server, "client", "rotate-secret", client.clientId(), "--grace", "PT1H", "--json")
                .succeeded().json();

        assertThat(Instant.parse(rotated.get("previousSecretExpiresAt").asText()))
                .isCloseTo(server.clock().instant().plusSeconds(3600), within(1, ChronoUnit.MILLIS));
        assertThat(tokenStatus(client)).isEqualTo(200);
        assertThat(tokenStatus(new Credentials(client.clientId(), rotated.get("clientSecret").asText()))).isEqualTo(200);
    }

    @Test
    void deleteRemovesTheClientAndItsSecretStopsWorking() {
        Credentials client = create("Acme");

        Cli.Result deleted = Cli.admin(server, "client", "delete", client.clientId()).succeeded();

        assertThat(deleted.out().strip()).isEqualTo("Deleted client " + client.clientId() + ".");
        assertThat(tokenStatus(client)).isEqualTo(401);
        assertThat(Cli.admin(server, "client", "get", client.clientId()).failedWith(1)).contains("not_found");
    }

    @Test
    void deleteWithJsonPrintsTheServersAnswer() {
        Credentials client = create("Acme");

        JsonNode answer = Cli.admin(server, "client", "delete", client.clientId(), "--json").succeeded().json();

        assertThat(answer.get("code").asInt()).isEqualTo(200);
        assertThat(answer.get("message").asText()).endsWith(client.clientId());
    }

    private static Credentials create(String partner) {
        JsonNode created = Cli.admin(server, "client", "create", "--partner", partner, "--json").succeeded().json();
        return new Credentials(created.get("clientId").asText(), created.get("clientSecret").asText());
    }

    private static int tokenStatus(Credentials client) {
        HttpResponse<String> response = server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                "Authorization", client.basic());
        return response.statusCode();
    }

    @Test
    void createWithSecretTtlAndLimitsAndListExpiringShowsTheClientsToRenew() {
        Cli.Result created = Cli.admin(server, "client", "create", "--partner", "Governed", "--secret-ttl", "P7D",
                "--allowed-source", "127.0.0.1/32,10.0.0.0/8", "--tokens-per-hour", "50").succeeded();
        String clientId = created.field("Client ID");
        assertThat(created.field("Secret expires")).isNotEqualTo("never");
        assertThat(created.field("Allowed sources")).isEqualTo("127.0.0.1/32 10.0.0.0/8");
        assertThat(created.field("Tokens per hour")).isEqualTo("50");
        String lasting = Cli.admin(server, "client", "create", "--partner", "Governed").succeeded().field("Client ID");

        Cli.Result expiring = Cli.admin(server, "client", "list", "--expiring", "P14D").succeeded();

        assertThat(expiring.out()).contains(clientId, "SECRET EXPIRES").doesNotContain(lasting);
        Credentials credentials = new Credentials(clientId, created.field("Client secret"));
        server.token(credentials);
        server.server().foldUsage();
        Cli.Result usage = Cli.admin(server, "client", "usage", clientId).succeeded();
        assertThat(usage.field("Tokens in the last hour")).isEqualTo("1");
        assertThat(usage.field("Tokens per hour allowed")).isEqualTo("50");
        assertThat(usage.field("Tokens needed per hour")).isEqualTo("1");
        assertThat(usage.field("Caching")).isEqualTo("yes");
    }

    @Test
    void updateChangesAndDropsTheLimits() {
        String clientId = Cli.admin(server, "client", "create", "--partner", "Limited").succeeded().field("Client ID");

        Cli.Result limited = Cli.admin(server, "client", "update", clientId, "--allowed-source", "192.0.2.0/24",
                "--tokens-per-hour", "10").succeeded();
        assertThat(limited.field("Allowed sources")).isEqualTo("192.0.2.0/24");
        assertThat(limited.field("Tokens per hour")).isEqualTo("10");

        Cli.Result freed = Cli.admin(server, "client", "update", clientId, "--any-source", "--no-token-cap").succeeded();
        assertThat(freed.out()).doesNotContain("Allowed sources", "Tokens per hour");
        assertThat(Cli.admin(server, "client", "update", clientId, "--tokens-per-hour", "0").failedWith(1))
                .contains("tokensPerHour");
    }

    @Test
    void rotateSecretTakesSecretTtl() {
        String clientId = Cli.admin(server, "client", "create", "--partner", "Rotating").succeeded().field("Client ID");

        Cli.Result rotated = Cli.admin(server, "client", "rotate-secret", clientId, "--secret-ttl", "P30D").succeeded();

        assertThat(rotated.field("New secret expires")).isNotEqualTo("never");
    }
}
