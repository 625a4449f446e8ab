package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.PKITLSClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.SelfSignedTLSClientAuthentication;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import io.latchkey.core.token.Confirmation;
import io.latchkey.testing.TestCertificates;
import io.latchkey.testing.TestCertificates.Issued;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §7, mTLS (RFC 8705), over real TLS: the server asks for a client certificate
 * ({@code LATCHKEY_TLS_CLIENT_AUTH=want}); {@code tls_client_auth} accepts one that chains to
 * {@code LATCHKEY_TLS_CLIENT_CA} and carries the registered subject DN, {@code
 * self_signed_tls_client_auth} one whose key is in the client's JWK set; tokens of a client that
 * authenticated so carry {@code cnf.x5t#S256}, and so does their introspection. Driven by the JDK
 * {@link HttpClient} with a client certificate and by the Nimbus OAuth 2.0 SDK; every CA and
 * certificate is made at test time.
 */
class MutualTlsTest {
    private static final String DN = "CN=orders-sync,O=Acme Logistics,C=DE";

    @TempDir
    static Path tempDir;
    private static Issued ca;
    private static Issued client;
    private static TestServer server;

    @BeforeAll
    static void startWithTlsAndClientCertificatesWanted() throws Exception {
        ca = TestCertificates.ca("CN=Partner CA,O=Latchkey Tests");
        client = TestCertificates.client(ca, DN);
        Path serverKeystore = TestCertificates.server(ca).writePkcs12(tempDir.resolve("server.p12"));
        Path clientCa = Files.writeString(tempDir.resolve("client-ca.pem"), ca.pem());
        server = TestServer.start(config -> config.tlsCert(serverKeystore).tlsKeyPassword(Issued.password())
                .tlsClientAuthWanted(true).tlsClientCa(clientCa));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    // --- registration ------------------------------------------------------------------------

    @Test
    void aTlsClientAuthClientHasNoSecretAndShowsItsMethodAndSubjectDn() {
        HttpResponse<String> created = admin("POST", "/admin/clients", Map.of("partnerId", "acme",
                "tokenEndpointAuthMethod", "tls_client_auth", "tlsClientAuthSubjectDn", DN));

        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode body = TestServer.json(created);
        assertThat(body.has("clientSecret")).isFalse();
        assertThat(body.get("tokenEndpointAuthMethod").asText()).isEqualTo("tls_client_auth");
        assertThat(body.get("tlsClientAuthSubjectDn").asText()).isEqualTo(DN);
        JsonNode shown = TestServer.json(admin("GET", "/admin/clients/" + body.get("clientId").asText(), null));
        assertThat(shown.get("tokenEndpointAuthMethod").asText()).isEqualTo("tls_client_auth");
        assertThat(shown.get("tlsClientAuthSubjectDn").asText()).isEqualTo(DN);
    }

    @Test
    void aCertificateClientHasNoSecretToRotate() {
        String id = registerTlsClient(DN);
        assertThat(admin("POST", "/admin/clients/" + id + "/secret", null).statusCode()).isEqualTo(400);
    }

    @Test
    void registrationRefusesAMissingOrMalformedSubjectDnAndASelfSignedClientWithoutKeys() {
        assertThat(admin("POST", "/admin/clients", Map.of("partnerId", "acme",
                "tokenEndpointAuthMethod", "tls_client_auth")).statusCode()).isEqualTo(400);
        assertThat(admin("POST", "/admin/clients", Map.of("partnerId", "acme",
                "tokenEndpointAuthMethod", "tls_client_auth", "tlsClientAuthSubjectDn", "not a DN")).statusCode())
                .isEqualTo(400);
        assertThat(admin("POST", "/admin/clients", Map.of("partnerId", "acme",
                "tokenEndpointAuthMethod", "self_signed_tls_client_auth")).statusCode()).isEqualTo(400);
        assertThat(admin("POST", "/admin/clients", Map.of("partnerId", "acme",
                "tlsClientAuthSubjectDn", DN)).statusCode()).isEqualTo(400);
    }

    @Test
    void metadataListsTheCertificateMethodsAndCertificateBoundTokens() {
        JsonNode metadata = TestServer.json(send(plainClient(), get("/.well-known/oauth-authorization-server")));

        assertThat(metadata.get("token_endpoint_auth_methods_supported").toString())
                .contains("\"tls_client_auth\"", "\"self_signed_tls_client_auth\"");
        assertThat(metadata.get("introspection_endpoint_auth_methods_supported").toString()).contains("tls_client_auth");
        assertThat(metadata.get("tls_client_certificate_bound_access_tokens").asBoolean()).isTrue();
    }

    // --- tls_client_auth ---------------------------------------------------------------------

    @Test
    void aCertificateFromTheCaWithTheRegisteredDnGetsATokenBoundToIt() throws Exception {
        String id = registerTlsClient(DN);

        HttpResponse<String> response = tokenRequest(with(client), id);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = TestServer.json(response);
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        Map<String, Object> cnf = SignedJWT.parse(body.get("access_token").asText()).getJWTClaimsSet()
                .getJSONObjectClaim("cnf");
        assertThat(cnf).containsExactly(Map.entry("x5t#S256", Confirmation.thumbprint(client.certificate())));
        assertThat(SignedJWT.parse(body.get("refresh_token").asText()).getJWTClaimsSet().getClaim("cnf"))
                .as("the refresh token is bound to the client, not the certificate (RFC 8705 §4)").isNull();
    }

    @Test
    void introspectionShowsTheCertificateBinding() {
        String id = registerTlsClient(DN);
        String token = TestServer.json(tokenRequest(with(client), id)).get("access_token").asText();

        JsonNode active = TestServer.json(send(plainClient(), post("/oauth2/introspect", Map.of("token", token))
                .header("X-API-Key", TestServer.ADMIN_KEY).build()));

        assertThat(active.get("active").asBoolean()).isTrue();
        assertThat(active.get("cnf").get("x5t#S256").asText()).isEqualTo(Confirmation.thumbprint(client.certificate()));
    }

    @Test
    void aClientAuthenticatesWithItsCertificateAtIntrospectionAndRevocationToo() {
        String id = registerTlsClient(DN);
        HttpClient http = with(client);
        String token = TestServer.json(tokenRequest(http, id)).get("access_token").asText();

        JsonNode introspected = TestServer.json(send(http, post("/oauth2/introspect",
                Map.of("client_id", id, "token", token)).build()));
        HttpResponse<String> revoked = send(http, post("/oauth2/revoke", Map.of("client_id", id, "token", token)).build());

        assertThat(introspected.get("active").asBoolean()).isTrue();
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(send(http, post("/oauth2/introspect", Map.of("client_id", id, "token", token))
                .build())).get("active").asBoolean()).isFalse();
    }

    @Test
    void aRefreshWithTheCertificateBindsTheNewAccessTokenToTheCertificateOfThatRequest() throws Exception {
        String id = registerTlsClient(DN);
        Issued renewed = TestCertificates.client(ca, DN); // the partner renewed its certificate
        String refreshToken = TestServer.json(tokenRequest(with(client), id)).get("refresh_token").asText();

        HttpResponse<String> refreshed = send(with(renewed), post("/oauth2/token", Map.of("grant_type", "refresh_token",
                "refresh_token", refreshToken, "client_id", id)).build());

        assertThat(refreshed.statusCode()).isEqualTo(200);
        assertThat(SignedJWT.parse(TestServer.json(refreshed).get("access_token").asText()).getJWTClaimsSet()
                .getJSONObjectClaim("cnf")).containsEntry("x5t#S256", Confirmation.thumbprint(renewed.certificate()));
    }

    @Test
    void theNimbusSdkAuthenticatesWithTlsClientAuth() throws Exception {
        String id = registerTlsClient(DN);
        SSLContext context = client.clientContext(ca.certificate());

        HTTPRequest request = new TokenRequest.Builder(tokenEndpoint(),
                new PKITLSClientAuthentication(new ClientID(id), context.getSocketFactory()),
                new ClientCredentialsGrant()).build().toHTTPRequest();
        request.setSSLSocketFactory(context.getSocketFactory());
        HTTPResponse response = request.send();

        TokenResponse parsed = TokenResponse.parse(response);
        assertThat(parsed.indicatesSuccess()).as(response.getBody()).isTrue();
        SignedJWT token = SignedJWT.parse(((AccessTokenResponse) parsed).getTokens().getAccessToken().getValue());
        assertThat(token.getJWTClaimsSet().getJSONObjectClaim("cnf")).containsKey("x5t#S256");
    }

    @Test
    void noCertificateIsAnInvalidClient() {
        String id = registerTlsClient(DN);

        assertInvalidClient(tokenRequest(plainClient(), id));
    }

    @Test
    void aCertificateFromAnotherCaWithTheRegisteredDnIsAnInvalidClient() {
        String id = registerTlsClient(DN);
        Issued stranger = TestCertificates.client(TestCertificates.ca("CN=Partner CA,O=Latchkey Tests"), DN);

        assertInvalidClient(tokenRequest(with(stranger), id));
    }

    @Test
    void aSelfSignedCertificateWithTheRegisteredDnIsAnInvalidClientOfTlsClientAuth() {
        String id = registerTlsClient(DN);

        assertInvalidClient(tokenRequest(with(TestCertificates.selfSigned(DN)), id));
    }

    @Test
    void aCertificateWithAnotherDnIsAnInvalidClient() {
        String id = registerTlsClient("CN=billing,O=Acme Logistics,C=DE");

        assertInvalidClient(tokenRequest(with(client), id));
    }

    @Test
    void theSubjectDnIsComparedAsANameNotAsText() {
        String id = registerTlsClient("cn=orders-sync, o=Acme Logistics, c=DE");

        assertThat(tokenRequest(with(client), id).statusCode()).isEqualTo(200);
    }

    @Test
    void aCertificateOutsideItsValidityIsAnInvalidClient() {
        String id = registerTlsClient(DN);
        java.time.Instant now = java.time.Instant.now();
        Issued expired = TestCertificates.client(ca, DN, now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)));

        assertInvalidClient(tokenRequest(with(expired), id));
    }

    @Test
    void aCertificateThatValidatedBeforeIsRefusedOnceItExpires() {
        String id = registerTlsClient(DN);
        java.time.Instant start = server.clock().instant();
        Issued shortLived = TestCertificates.client(ca, DN, start.minus(Duration.ofDays(1)), start.plus(Duration.ofHours(1)));
        assertThat(tokenRequest(with(shortLived), id).statusCode()).isEqualTo(200);
        assertThat(tokenRequest(with(shortLived), id).statusCode()).as("the remembered path").isEqualTo(200);

        server.clock().advance(Duration.ofHours(2));
        try {
            assertInvalidClient(tokenRequest(with(shortLived), id));
        } finally {
            server.clock().set(start);
        }
        assertThat(tokenRequest(with(shortLived), id).statusCode()).isEqualTo(200);
    }

    @Test
    void aClientOfAnotherMethodIsNotAuthenticatedByACertificate() {
        TestServer.Credentials secretClient = createSecretClient();

        assertInvalidClient(tokenRequest(with(client), secretClient.clientId()));
    }

    @Test
    void aClientOfASecretThatAlsoPresentsACertificateGetsAnUnboundToken() throws Exception {
        TestServer.Credentials secretClient = createSecretClient();

        HttpResponse<String> response = send(with(client), post("/oauth2/token",
                Map.of("grant_type", "client_credentials")).header("Authorization", secretClient.basic()).build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(SignedJWT.parse(TestServer.json(response).get("access_token").asText()).getJWTClaimsSet()
                .getClaim("cnf")).isNull();
    }

    @Test
    void aClientThatNamesNoClientIdIsAnInvalidClient() {
        assertInvalidClient(send(with(client), post("/oauth2/token", Map.of("grant_type", "client_credentials")).build()));
    }

    // --- self_signed_tls_client_auth ---------------------------------------------------------

    @Test
    void aSelfSignedCertificateWhoseKeyIsRegisteredGetsABoundTokenFromTheNimbusSdk() throws Exception {
        Issued selfSigned = TestCertificates.selfSigned("CN=self-signed partner");
        String id = registerSelfSignedClient(selfSigned);
        SSLContext context = selfSigned.clientContext(ca.certificate());

        HTTPRequest request = new TokenRequest.Builder(tokenEndpoint(),
                new SelfSignedTLSClientAuthentication(new ClientID(id), context.getSocketFactory()),
                new ClientCredentialsGrant()).build().toHTTPRequest();
        request.setSSLSocketFactory(context.getSocketFactory());
        TokenResponse parsed = TokenResponse.parse(request.send());

        assertThat(parsed.indicatesSuccess()).isTrue();
        assertThat(SignedJWT.parse(((AccessTokenResponse) parsed).getTokens().getAccessToken().getValue())
                .getJWTClaimsSet().getJSONObjectClaim("cnf"))
                .containsEntry("x5t#S256", Confirmation.thumbprint(selfSigned.certificate()));
    }

    @Test
    void aSelfSignedCertificateWhoseKeyIsNotRegisteredIsAnInvalidClient() {
        String id = registerSelfSignedClient(TestCertificates.selfSigned("CN=self-signed partner"));

        assertInvalidClient(tokenRequest(with(TestCertificates.selfSigned("CN=self-signed partner")), id));
    }

    @Test
    void aSelfSignedClientShowsItsMethodAndKeys() {
        Issued selfSigned = TestCertificates.selfSigned("CN=self-signed partner");
        String id = registerSelfSignedClient(selfSigned);

        JsonNode shown = TestServer.json(admin("GET", "/admin/clients/" + id, null));

        assertThat(shown.get("tokenEndpointAuthMethod").asText()).isEqualTo("self_signed_tls_client_auth");
        assertThat(shown.get("jwks").get("keys")).hasSize(1);
    }

    // --- helpers -----------------------------------------------------------------------------

    private static void assertInvalidClient(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(TestServer.json(response).get("error").asText()).isEqualTo("invalid_client");
        assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
    }

    static String registerTlsClient(String dn) {
        HttpResponse<String> created = admin("POST", "/admin/clients", Map.of("partnerId", "acme",
                "tokenEndpointAuthMethod", "tls_client_auth", "tlsClientAuthSubjectDn", dn));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return TestServer.json(created).get("clientId").asText();
    }

    private static String registerSelfSignedClient(Issued certificate) {
        ECKey key = new ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256, (ECPublicKey) certificate.keys().getPublic())
                .build();
        HttpResponse<String> created = admin("POST", "/admin/clients", Map.of("partnerId", "acme",
                "tokenEndpointAuthMethod", "self_signed_tls_client_auth",
                "jwks", new JWKSet(key).toJSONObject(true)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return TestServer.json(created).get("clientId").asText();
    }

    private static TestServer.Credentials createSecretClient() {
        JsonNode created = TestServer.json(admin("POST", "/admin/clients", Map.of("partnerId", "acme")));
        return new TestServer.Credentials(created.get("clientId").asText(), created.get("clientSecret").asText());
    }

    private static HttpResponse<String> tokenRequest(HttpClient http, String clientId) {
        return send(http, post("/oauth2/token", Map.of("grant_type", "client_credentials", "client_id", clientId)).build());
    }

    private static URI tokenEndpoint() {
        return https("/oauth2/token");
    }

    private static URI https(String path) {
        return URI.create("https://localhost:" + server.server().port() + path);
    }

    private static HttpRequest get(String path) {
        return HttpRequest.newBuilder(https(path)).timeout(Duration.ofSeconds(30)).build();
    }

    private static HttpRequest.Builder post(String path, Map<String, String> form) {
        return HttpRequest.newBuilder(https(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(TestServer.formEncode(new LinkedHashMap<>(form))));
    }

    static HttpResponse<String> admin(String method, String path, Map<String, Object> body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(https(path)).timeout(Duration.ofSeconds(30))
                .header("X-API-Key", TestServer.ADMIN_KEY);
        request = body == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(TestServer.write(body)));
        return send(plainClient(), request.build());
    }

    private static HttpClient plainClient() {
        return http(TestCertificates.clientContextWithoutCertificate(ca.certificate()));
    }

    private static HttpClient with(Issued certificate) {
        return http(certificate.clientContext(ca.certificate()));
    }

    private static HttpClient http(SSLContext context) {
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
    }

    static HttpResponse<String> send(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
