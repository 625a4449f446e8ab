package io.latchkey.server.http;

import io.latchkey.core.error.LatchkeyException;
import io.latchkey.server.config.AddressRange;
import io.latchkey.server.config.ServerConfig;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The client certificate a request presents (RFC 8705 §2), from one of two places: the TLS
 * handshake of its connection ({@code LATCHKEY_TLS_CLIENT_AUTH=want}), or, behind a TLS-terminating
 * proxy, the header named by {@code LATCHKEY_TLS_CLIENT_CERT_HEADER} — believed only when the
 * connection comes from one of {@code LATCHKEY_TRUSTED_PROXIES}, since anyone else could write
 * any certificate there. The header holds URL-encoded PEM, as nginx's {@code
 * $ssl_client_escaped_cert} and most proxies write it (base64 DER, as Traefik writes it, is read
 * too); an empty value or {@code (null)} means the proxy saw no certificate.
 *
 * <p>With neither configured, nothing is attached to requests and {@link #presented} answers
 * null at once: the token path pays one map lookup.
 */
public final class ClientCertificates {
    private static final String KEY = "latchkey.clientCertificates";
    /** Far above a PEM certificate with a chain (Vert.x bounds all headers to 8 KiB anyway). */
    static final int MAX_HEADER_LENGTH = 8 * 1024;
    static final int MAX_CHAIN_LENGTH = 5;
    /** The RFC 8414 names of the two methods a certificate authenticates with (RFC 8705 §2.1.1, §2.2.1). */
    static final List<String> METHODS = List.of("tls_client_auth", "self_signed_tls_client_auth");

    private final boolean fromHandshake;
    private final String header;
    private final List<AddressRange> trustedProxies;

    private ClientCertificates(boolean fromHandshake, String header, Set<String> trustedProxies) {
        this.fromHandshake = fromHandshake;
        this.header = header;
        this.trustedProxies = trustedProxies.stream().map(AddressRange::parse).toList();
    }

    /** As the configuration says: from the handshake, the proxy's header, both, or neither. */
    public static ClientCertificates of(ServerConfig config) {
        return new ClientCertificates(config.tlsClientAuthWanted(), config.tlsClientCertHeader(),
                config.trustedProxies());
    }

    /** Neither: no request presents a certificate. */
    public static ClientCertificates none() {
        return new ClientCertificates(false, null, Set.of());
    }

    /** Whether any request can present a certificate. */
    boolean enabled() {
        return fromHandshake || header != null;
    }

    /** Makes this reachable from {@code ctx}, when there is anything to read. */
    void attach(RoutingContext ctx) {
        if (enabled()) {
            ctx.put(KEY, this);
        }
    }

    /**
     * The certificate chain the request presents, the client's own certificate first, or null when
     * it presents none (or certificates are not asked for).
     *
     * @throws LatchkeyException {@code invalid_client} when a trusted proxy's header holds
     *                           something that is not a certificate
     */
    static List<X509Certificate> presented(RoutingContext ctx) {
        ClientCertificates certificates = ctx.get(KEY);
        return certificates == null ? null : certificates.read(ctx.request());
    }

    /**
     * Whether the certificate a trusted proxy forwarded in the header is the one {@code thumbprint}
     * (RFC 8705 §3.1 {@code x5t#S256}) names: how the check endpoint (SPEC §8) holds a gateway's
     * request to a certificate-bound token. The handshake does not count there: its certificate is
     * the gateway's own. A malformed header matches nothing.
     */
    static boolean forwardedMatches(RoutingContext ctx, String thumbprint) {
        ClientCertificates certificates = ctx.get(KEY);
        if (certificates == null || certificates.header == null || !certificates.fromTrustedProxy(ctx.request())) {
            return false;
        }
        String value = ctx.request().getHeader(certificates.header);
        if (value == null || value.isBlank()) {
            return false;
        }
        try {
            List<X509Certificate> chain = parse(value.trim());
            return java.security.MessageDigest.isEqual(
                    io.latchkey.core.token.Confirmation.thumbprint(chain.get(0)).getBytes(StandardCharsets.US_ASCII),
                    thumbprint.getBytes(StandardCharsets.US_ASCII));
        } catch (LatchkeyException e) {
            return false;
        }
    }

    private List<X509Certificate> read(HttpServerRequest request) {
        if (header != null && fromTrustedProxy(request)) {
            String value = request.getHeader(header);
            if (value != null && !value.isBlank() && !value.equals("(null)")) {
                return parse(value.trim());
            }
        }
        return fromHandshake ? handshake(request.connection()) : null;
    }

    private boolean fromTrustedProxy(HttpServerRequest request) {
        byte[] peer = request.remoteAddress() == null ? null : AddressRange.literal(request.remoteAddress().hostAddress());
        if (peer == null) {
            return false;
        }
        for (AddressRange range : trustedProxies) {
            if (range.contains(peer)) {
                return true;
            }
        }
        return false;
    }

    private static List<X509Certificate> handshake(HttpConnection connection) {
        if (connection == null || !connection.isSsl()) {
            return null;
        }
        List<Certificate> peer;
        try {
            peer = connection.peerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null; // the client sent none
        }
        if (peer == null || peer.isEmpty() || peer.size() > MAX_CHAIN_LENGTH) {
            return null;
        }
        List<X509Certificate> chain = new ArrayList<>(peer.size());
        for (Certificate certificate : peer) {
            if (!(certificate instanceof X509Certificate x509)) {
                return null;
            }
            chain.add(x509);
        }
        return chain;
    }

    /** A header's certificates: URL-encoded PEM (one or more), or base64 DER of one. */
    static List<X509Certificate> parse(String value) {
        if (value.length() > MAX_HEADER_LENGTH) {
            throw LatchkeyException.invalidClient();
        }
        try {
            byte[] bytes = percentDecode(value);
            String text = new String(bytes, StandardCharsets.US_ASCII);
            if (!text.contains("-----BEGIN")) {
                bytes = Base64.getMimeDecoder().decode(text);
            }
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate certificate : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes))) {
                if (!(certificate instanceof X509Certificate x509) || chain.size() == MAX_CHAIN_LENGTH) {
                    throw LatchkeyException.invalidClient();
                }
                chain.add(x509);
            }
            if (chain.isEmpty()) {
                throw LatchkeyException.invalidClient();
            }
            return chain;
        } catch (CertificateException | RuntimeException e) {
            throw LatchkeyException.invalidClient(); // nothing of the header is repeated anywhere
        }
    }

    /**
     * RFC 3986 §2.1 percent-decoding, and nothing else: unlike form decoding a {@code +} stays a
     * {@code +}, which base64 needs.
     */
    private static byte[] percentDecode(String value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                if (i + 2 >= value.length()) {
                    throw new IllegalArgumentException("a truncated escape");
                }
                int high = Character.digit(value.charAt(i + 1), 16);
                int low = Character.digit(value.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new IllegalArgumentException("not an escape");
                }
                out.write(high << 4 | low);
                i += 2;
            } else if (c > 0x7e || c < 0x20) {
                throw new IllegalArgumentException("not URL-encoded text");
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }
}
