package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from a PKCS#12 certificate: TLS 1.2+ only, HSTS on every answer, no plain HTTP. */
class TlsTest {
    private static final String PASSWORD = "changeit";

    @TempDir
    static Path tempDir;
    private static Path keystore;
    private static TestServer server;

    @BeforeAll
    static void startWithASelfSignedCertificate() throws Exception {
        keystore = tempDir.resolve("latchkey.p12");
        Path keytool = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "latchkey",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        server = TestServer.start(config -> config.tlsCert(keystore).tlsKeyPassword(PASSWORD));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theServerAnswersOverHttpsWithHstsAndAnHttpsIssuer() throws Exception {
        HttpResponse<String> metadata = client("TLSv1.3").send(
                HttpRequest.newBuilder(https("/.well-known/oauth-authorization-server")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(metadata.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");
        assertThat(TestServer.json(metadata).get("issuer").asText()).startsWith("https://localhost:");
    }

    @Test
    void tls12IsAccepted() throws Exception {
        HttpResponse<String> ready = client("TLSv1.2").send(HttpRequest.newBuilder(https("/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
    }

    @Test
    void plainHttpIsNotServed() {
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.server().port() + "/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    private static URI https(String path) {
        return URI.create("https://localhost:" + server.server().port() + path);
    }

    private static HttpClient client(String protocol) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            trusted.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(List.of(protocol).toArray(String[]::new));
        return HttpClient.newBuilder().sslContext(context).sslParameters(parameters)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }
}
