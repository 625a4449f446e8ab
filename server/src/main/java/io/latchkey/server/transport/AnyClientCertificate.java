package io.latchkey.server.transport;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;

/**
 * The trust the TLS handshake gives a client certificate when {@code LATCHKEY_TLS_CLIENT_AUTH=want}:
 * any certificate is let through, and the handshake still proves that the client holds its private
 * key (the CertificateVerify message, RFC 8446 §4.4.3). Whether the certificate authenticates a
 * client is decided per client, after the handshake: {@code tls_client_auth} chains it to
 * {@code LATCHKEY_TLS_CLIENT_CA}, {@code self_signed_tls_client_auth} finds its key in the
 * client's JWK set (RFC 8705 §2). Refusing in the handshake instead would make self-signed
 * certificates impossible and answer a bad one with a broken connection rather than a 401.
 *
 * <p>No CA is named to the client ({@link #getAcceptedIssuers()} is empty): a client that picks
 * its certificate by the names the server sends would otherwise never offer a self-signed one.
 */
public final class AnyClientCertificate implements X509TrustManager {
    public static final AnyClientCertificate INSTANCE = new AnyClientCertificate();
    private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

    private AnyClientCertificate() {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("no client certificate");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the server's listener trusts no server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return NO_ISSUERS;
    }
}
