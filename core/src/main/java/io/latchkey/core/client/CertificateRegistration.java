package io.latchkey.core.client;

import io.latchkey.core.error.LatchkeyException;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;

/**
 * How a client that authenticates with a certificate is recognised (RFC 8705 §2): for
 * {@code tls_client_auth} the subject DN its certificate must carry, issued under the CA the
 * server trusts ({@code tls_client_auth_subject_dn}, §2.1.2); for
 * {@code self_signed_tls_client_auth} the JWK set holding its certificate's public key (§2.2).
 *
 * @param subjectDn the subject DN (RFC 4514) of a {@code tls_client_auth} client, else null
 * @param keys      the public keys of a {@code self_signed_tls_client_auth} client, else null
 */
public record CertificateRegistration(String method, String subjectDn, ClientJwks keys) {
    public static final String TLS_CLIENT_AUTH = "tls_client_auth";
    public static final String SELF_SIGNED_TLS_CLIENT_AUTH = "self_signed_tls_client_auth";
    /** Longer than any DN a CA issues; a longer one is refused. */
    static final int MAX_SUBJECT_DN_LENGTH = 1024;

    public CertificateRegistration {
        Objects.requireNonNull(method, "method");
        if (method.equals(TLS_CLIENT_AUTH)) {
            if (subjectDn == null || keys != null) {
                throw new IllegalArgumentException("a tls_client_auth client has a subject DN and no keys");
            }
        } else if (method.equals(SELF_SIGNED_TLS_CLIENT_AUTH)) {
            if (keys == null || subjectDn != null) {
                throw new IllegalArgumentException("a self_signed_tls_client_auth client has keys and no subject DN");
            }
        } else {
            throw new IllegalArgumentException("not a certificate method: " + method);
        }
    }

    /**
     * A {@code tls_client_auth} registration of {@code subjectDn}, in the RFC 4514 form the JDK
     * writes (attribute types upper-case, no spaces after commas).
     *
     * @throws LatchkeyException {@code invalid_request} for a DN that does not parse
     */
    public static CertificateRegistration subject(String subjectDn) {
        if (subjectDn == null || subjectDn.isBlank() || subjectDn.length() > MAX_SUBJECT_DN_LENGTH) {
            throw LatchkeyException.invalidRequest("tlsClientAuthSubjectDn must be a distinguished name (RFC 4514) of at most "
                    + MAX_SUBJECT_DN_LENGTH + " characters.");
        }
        X500Principal principal;
        try {
            principal = new X500Principal(subjectDn);
        } catch (IllegalArgumentException e) {
            throw LatchkeyException.invalidRequest("tlsClientAuthSubjectDn is not a distinguished name (RFC 4514), "
                    + "such as CN=orders-sync,O=Acme.");
        }
        if (principal.getEncoded().length <= 2) {
            throw LatchkeyException.invalidRequest("tlsClientAuthSubjectDn is empty.");
        }
        return new CertificateRegistration(TLS_CLIENT_AUTH, principal.getName(X500Principal.RFC2253), null);
    }

    /** A {@code self_signed_tls_client_auth} registration of the public keys in {@code keys}. */
    public static CertificateRegistration selfSigned(ClientJwks keys) {
        return new CertificateRegistration(SELF_SIGNED_TLS_CLIENT_AUTH, null, Objects.requireNonNull(keys));
    }

    /** The registered subject as the certificate check compares it (RFC 5280 §7.1 name matching). */
    public X500Principal subject() {
        return subjectDn == null ? null : new X500Principal(subjectDn);
    }
}
