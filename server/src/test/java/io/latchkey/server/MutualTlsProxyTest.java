package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import io.latchkey.core.token.Confirmation;
import io.latchkey.server.config.ServerConfig;
import io.latchkey.testing.TestCertificates;
import io.latchkey.testing.TestCertificates.Issued;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC §7, mTLS behind a TLS-terminating proxy: the certificate comes in the header named by
 * {@code LATCHKEY_TLS_CLIENT_CERT_HEADER}, URL-encoded PEM as nginx's {@code
 * $ssl_client_escaped_cert}, and counts only from {@code LATCHKEY_TRUSTED_PROXIES}. A malformed
 * header is an {@code invalid_client}, never a 500.
 */
class MutualTlsProxyTest {
    private static final String HEADER = "X-SSL-Client-Cert";
    private static final String DN = "CN=orders-sync,O=Acme Logistics,C=DE";

    @TempDir
    static Path tempDir;
    private static Issued ca;
    private static Issued client;
    private static TestServer behindProxy;
    private static TestServer proxyElsewhere;

    @BeforeAll
    static void startBehindATrustedProxyAndBehindAnotherOne() throws Exception {
        ca = TestCertificates.ca("CN=Partner CA,O=Latchkey Tests");
        client = TestCertificates.client(ca, DN);
        Path clientCa = Files.writeString(tempDir.resolve("client-ca.pem"), ca.pem());
        // The tests connect from 127.0.0.1: a trusted proxy for one server, a stranger for the other.
        behindProxy = TestServer.start(config -> config.trustedProxies(Set.of("127.0.0.1"))
                .tlsClientCertHeader(HEADER).tlsClientCa(clientCa));
        proxyElsewhere = TestServer.start(config -> config.trustedProxies(Set.of("192.0.2.0/24"))
                .tlsClientCertHeader(HEADER).tlsClientCa(clientCa));
    }

    @AfterAll
    static void stop() {
        behindProxy.close();
        proxyElsewhere.close();
    }

    @Test
    void aCertificateForwardedByATrustedProxyAuthenticatesAndBindsTheToken() throws Exception {
        String id = registerTlsClient(behindProxy);

        HttpResponse<String> response = tokenRequest(behindProxy, id, client.urlEncodedPem());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(SignedJWT.parse(TestServer.json(response).get("access_token").asText()).getJWTClaimsSet()
                .getJSONObjectClaim("cnf")).containsEntry("x5t#S256", Confirmation.thumbprint(client.certificate()));
    }

    @Test
    void aPlusInTheForwardedPemStaysAPlus() {
        String id = registerTlsClient(behindProxy);
        // nginx escapes '+' as %2B; a proxy that leaves it raw must not have it read as a space.
        String raw = client.urlEncodedPem().replace("%2B", "+");

        assertThat(tokenRequest(behindProxy, id, raw).statusCode()).isEqualTo(200);
    }

    @Test
    void base64DerAsTraefikForwardsItIsReadToo() throws Exception {
        String id = registerTlsClient(behindProxy);

        HttpResponse<String> response = tokenRequest(behindProxy, id,
                Base64.getEncoder().encodeToString(client.certificate().getEncoded()));

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void theHeaderFromAnUntrustedSourceIsIgnored() {
        String id = registerTlsClient(proxyElsewhere);

        assertInvalidClient(tokenRequest(proxyElsewhere, id, client.urlEncodedPem()));
    }

    @Test
    void anEmptyHeaderMeansNoCertificate() {
        String id = registerTlsClient(behindProxy);

        assertInvalidClient(tokenRequest(behindProxy, id, ""));
        assertInvalidClient(tokenRequest(behindProxy, id, "(null)"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"not a certificate", "%ZZ", "-----BEGIN%20CERTIFICATE-----%0AAAAA%0A-----END%20CERTIFICATE-----",
        "%E2%82%AC", "MIIB"})
    void aMalformedHeaderIsAnInvalidClient(String header) {
        String id = registerTlsClient(behindProxy);

        assertInvalidClient(tokenRequest(behindProxy, id, header));
    }

    @Test
    void aClientOfASecretIsNotDisturbedByAMalformedHeader() {
        TestServer.Credentials secretClient = behindProxy.createClient("acme");

        HttpResponse<String> response = behindProxy.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                "Authorization", secretClient.basic(), HEADER, "garbage");

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void theCheckEndpointPassesABoundTokenOnlyWithItsCertificateForwarded() {
        String id = registerTlsClient(behindProxy);
        String token = TestServer.json(tokenRequest(behindProxy, id, client.urlEncodedPem())).get("access_token").asText();
        String bearer = "Bearer " + token;

        HttpResponse<String> withIt = behindProxy.get("/oauth2/check", "Authorization", bearer, HEADER,
                client.urlEncodedPem());
        HttpResponse<String> without = behindProxy.get("/oauth2/check", "Authorization", bearer);
        HttpResponse<String> another = behindProxy.get("/oauth2/check", "Authorization", bearer, HEADER,
                TestCertificates.client(ca, DN).urlEncodedPem());
        HttpResponse<String> malformed = behindProxy.get("/oauth2/check", "Authorization", bearer, HEADER, "%ZZ");

        assertThat(withIt.statusCode()).isEqualTo(200);
        assertThat(withIt.headers().firstValue("X-Latchkey-Client-Id")).hasValue(id);
        for (HttpResponse<String> refused : List.of(without, another, malformed)) {
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    challenge -> assertThat(challenge).contains("invalid_token"));
        }
    }

    @Test
    void metadataSaysTokensAreCertificateBoundOnlyWhenCertificatesAreAskedFor() {
        assertThat(TestServer.json(behindProxy.get("/.well-known/oauth-authorization-server"))
                .get("tls_client_certificate_bound_access_tokens").asBoolean()).isTrue();
        try (TestServer plain = TestServer.start()) {
            JsonNode metadata = TestServer.json(plain.get("/.well-known/oauth-authorization-server"));
            assertThat(metadata.has("tls_client_certificate_bound_access_tokens")).isFalse();
            assertThat(metadata.get("token_endpoint_auth_methods_supported").toString()).doesNotContain("tls_client_auth");
        }
    }

    // --- configuration -----------------------------------------------------------------------

    @Test
    void askingForCertificatesInTheHandshakeNeedsTls() {
        assertThatThrownBy(() -> ServerConfig.builder().tlsClientAuthWanted(true).build())
                .hasMessageContaining("LATCHKEY_TLS_CERT");
    }

    @Test
    void theCertificateHeaderNeedsTrustedProxies() {
        assertThatThrownBy(() -> ServerConfig.builder().tlsClientCertHeader(HEADER).build())
                .hasMessageContaining("LATCHKEY_TRUSTED_PROXIES");
    }

    @Test
    void aClientCaWithoutAnyWayToPresentACertificateIsRefused() {
        assertThatThrownBy(() -> ServerConfig.builder().tlsClientCa(Path.of("ca.pem")).build())
                .hasMessageContaining("LATCHKEY_TLS_CLIENT_CA");
    }

    @Test
    void theCertificateHeaderMustBeAHeaderName() {
        assertThatThrownBy(() -> ServerConfig.builder().trustedProxies(Set.of("10.0.0.1"))
                .tlsClientCertHeader("X Cert: evil").build()).hasMessageContaining("header name");
    }

    // --- helpers -----------------------------------------------------------------------------

    private static void assertInvalidClient(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(TestServer.json(response).get("error").asText()).isEqualTo("invalid_client");
    }

    private static String registerTlsClient(TestServer server) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("partnerId", "acme");
        body.put("tokenEndpointAuthMethod", "tls_client_auth");
        body.put("tlsClientAuthSubjectDn", DN);
        HttpResponse<String> created = server.admin("POST", "/admin/clients", TestServer.write(body));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return TestServer.json(created).get("clientId").asText();
    }

    private static HttpResponse<String> tokenRequest(TestServer server, String clientId, String header) {
        return server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials", "client_id", clientId),
                List.of(HEADER, header).toArray(String[]::new));
    }
}
