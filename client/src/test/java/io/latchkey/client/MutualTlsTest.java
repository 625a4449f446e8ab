package io.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import io.latchkey.core.key.SigningAlgorithm;
import io.latchkey.testing.TestCertificates;
import io.latchkey.testing.TestCertificates.Issued;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK and mTLS (RFC 8705): a {@link TokenSource} with a client certificate in its
 * {@code sslContext} gets certificate-bound tokens, and a {@link TokenVerifier} accepts such a
 * token only with the certificate of the request that presents it. Certificates are made at test time.
 */
class MutualTlsTest {
    private static final String DN = "CN=orders-sync,O=Acme";

    @TempDir
    static Path tempDir;
    private static Issued ca;
    private static Issued client;
    private static Latchkey latchkey;
    private static URI server;

    @BeforeAll
    static void startWithClientCertificatesWanted() throws Exception {
        ca = TestCertificates.ca("CN=SDK Test CA");
        client = TestCertificates.client(ca, DN);
        Path keystore = TestCertificates.server(ca).writePkcs12(tempDir.resolve("server.p12"));
        Path clientCa = Files.writeString(tempDir.resolve("ca.pem"), ca.pem());
        latchkey = Latchkey.start(config -> config.signingAlgorithm(SigningAlgorithm.EdDSA).tlsCert(keystore)
                .tlsKeyPassword(Issued.password()).tlsClientAuthWanted(true).tlsClientCa(clientCa));
        server = URI.create(latchkey.issuer());
    }

    @AfterAll
    static void stop() {
        latchkey.close();
    }

    @Test
    void aTokenSourceWithAClientCertificateGetsTokensBoundToIt() throws Exception {
        TokenSource tokens = TokenSource.builder(server, registerTlsClient())
                .sslContext(client.clientContext(ca.certificate())).build();

        SignedJWT token = SignedJWT.parse(tokens.accessToken());

        assertThat(token.getJWTClaimsSet().getJSONObjectClaim("cnf")).containsKey("x5t#S256");
    }

    @Test
    void theVerifierAcceptsABoundTokenOnlyWithItsCertificate() throws Exception {
        String token = TokenSource.builder(server, registerTlsClient())
                .sslContext(client.clientContext(ca.certificate())).build().accessToken();
        TokenVerifier verifier = TokenVerifier.builder(server).httpClient(HttpClient.newBuilder()
                .sslContext(TestCertificates.clientContextWithoutCertificate(ca.certificate())).build()).build();

        assertThat(verifier.verify(token, Set.of(), client.certificate()).clientId()).isNotBlank();
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOfSatisfying(TokenRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(TokenRejectedException.Reason.CERTIFICATE_MISMATCH));
        assertThatThrownBy(() -> verifier.verifyAuthorization("Bearer " + token,
                TestCertificates.client(ca, DN).certificate())).isInstanceOfSatisfying(TokenRejectedException.class,
                e -> assertThat(e.httpStatus()).isEqualTo(401));
    }

    @Test
    void aClientWithoutASecretNeedsACertificate() {
        assertThatThrownBy(() -> TokenSource.builder(server, "some-client").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("sslContext");
    }

    private static String registerTlsClient() throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .sslContext(TestCertificates.clientContextWithoutCertificate(ca.certificate())).build();
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(server.resolve("/admin/clients"))
                .timeout(Duration.ofSeconds(30)).header("X-API-Key", Latchkey.ADMIN_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"partnerId\":\"acme\",\"tokenEndpointAuthMethod\":"
                        + "\"tls_client_auth\",\"tlsClientAuthSubjectDn\":\"" + DN + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return com.nimbusds.jose.util.JSONObjectUtils.parse(created.body()).get("clientId").toString();
    }
}
