package io.latchkey.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code latchkey serve --check}: every problem a start would hit, one line each, and nothing started or
 * written; the exit codes are those of the command run as a process of its own.
 */
@Tag("sqlite-only")
class ConfigCheckTest {
    private static final String ADMIN_KEY = "lk_config-check-admin-key-0123456789abcdef";

    @TempDir
    Path dataDir;

    @Test
    void aGoodConfigurationPrintsItselfWithSecretsMaskedAndExitsZeroWritingNothing() {
        Cli.Result result = Cli.process("serve", "--check", "--data-dir", dataDir.resolve("new").toString(),
                "--admin-api-key", ADMIN_KEY, "--port", "9123");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("port = 9123").contains("adminApiKey = (set, hidden)")
                .contains("masterKey = (not set)").contains("Configuration OK.").doesNotContain(ADMIN_KEY);
        assertThat(dataDir.resolve("new")).doesNotExist();
    }

    @Test
    void aMasterKeyThatDoesNotUnsealTheStoreIsOneProblem() {
        Cli.run("apikey", "create", "--offline", "--data-dir", dataDir.toString()).succeeded();
        String otherKey = Base64.getEncoder().encodeToString(new byte[32]);

        assertThat(Cli.run("serve", "--check", "--data-dir", dataDir.toString()).exitCode()).isZero();
        Cli.Result wrong = Cli.run("serve", "--check", "--data-dir", dataDir.toString(), "--master-key", otherKey);

        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.err().lines()).singleElement().asString().contains("master key");
        assertThat(wrong.out()).contains("masterKey = (set, hidden)").doesNotContain(otherKey);
    }

    @Test
    void unreadableTlsFilesAndAnUnreachableDatabaseAreEachALine() throws Exception {
        Path cert = Files.writeString(dataDir.resolve("cert.pem"), "not a certificate");
        Cli.Result result = Cli.run("serve", "--check", "--data-dir", dataDir.toString(),
                "--db-url", "jdbc:postgresql://127.0.0.1:1/latchkey", "--db-user", "latchkey",
                "--tls-cert", cert.toString(), "--tls-key", dataDir.resolve("missing.key").toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err().lines()).hasSize(2).anySatisfy(line -> assertThat(line).contains("cannot be reached"))
                .anySatisfy(line -> assertThat(line).contains("LATCHKEY_TLS_CERT"));
    }

    @Test
    void aClientCaThatHoldsNoCertificateIsOneProblem() throws Exception {
        Path ca = Files.writeString(dataDir.resolve("client-ca.pem"), "not a certificate");
        Cli.Result result = Cli.run("serve", "--check", "--data-dir", dataDir.toString(),
                "--trusted-proxies", "10.0.0.1", "--tls-client-cert-header", "X-SSL-Client-Cert",
                "--tls-client-ca", ca.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err().lines()).singleElement().asString().contains("LATCHKEY_TLS_CLIENT_CA");
        assertThat(result.out()).contains("tlsClientCertHeader = X-SSL-Client-Cert");
    }

    @Test
    void askingForClientCertificatesWithoutTlsIsOneLineAndExitsOne() {
        Cli.Result result = Cli.run("serve", "--check", "--data-dir", dataDir.toString(), "--tls-client-auth", "want");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("LATCHKEY_TLS_CLIENT_AUTH=want").contains("LATCHKEY_TLS_CERT");
    }

    @Test
    void aClientAuthModeOtherThanNoneOrWantIsRefused() {
        Cli.Result result = Cli.run("serve", "--check", "--data-dir", dataDir.toString(), "--tls-client-auth", "need");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("none or want");
    }

    @Test
    void anInvalidSettingIsOneLineAndExitsOne() {
        Cli.Result result = Cli.process("serve", "--check", "--data-dir", dataDir.toString(), "--trusted-proxies",
                "proxy.internal");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("not an IP address or CIDR range");
    }

    @Test
    void theSecretSettingsAreShownAndCheckedAndAWarningAsLongAsTheLifetimeIsNoted() {
        Cli.Result result = Cli.run("serve", "--check", "--data-dir", dataDir.resolve("new").toString(),
                "--secret-ttl", "P7D", "--secret-expiry-warning", "P14D");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("secretTtl = PT168H", "secretExpiryWarning = PT336H",
                "every new secret is warned of");
        Cli.Result invalid = Cli.run("serve", "--check", "--data-dir", dataDir.toString(), "--secret-ttl", "PT0S");
        assertThat(invalid.exitCode()).isEqualTo(1);
        assertThat(invalid.err()).contains("LATCHKEY_SECRET_TTL");
    }
}
