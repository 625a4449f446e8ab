package io.latchkey.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** {@code LATCHKEY_TLS_CLIENT_CA}: the PEM certificates of the CAs {@code tls_client_auth} certificates chain to. */
public final class ClientCas {
    private ClientCas() {
    }

    /**
     * The certificates of {@code file}, or none when it is null.
     *
     * @throws IllegalArgumentException when it cannot be read or holds no certificate
     */
    public static List<X509Certificate> load(Path file) {
        if (file == null) {
            return List.of();
        }
        List<X509Certificate> cas = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                if (certificate instanceof X509Certificate x509) {
                    cas.add(x509);
                }
            }
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("LATCHKEY_TLS_CLIENT_CA " + file + " cannot be read as PEM certificates: "
                    + e.getMessage(), e);
        }
        if (cas.isEmpty()) {
            throw new IllegalArgumentException("LATCHKEY_TLS_CLIENT_CA " + file + " holds no certificate");
        }
        return List.copyOf(cas);
    }
}
