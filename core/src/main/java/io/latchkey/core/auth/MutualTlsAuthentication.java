package io.latchkey.core.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import io.latchkey.core.client.CertificateRegistration;
import io.latchkey.core.client.Client;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.ClientRegistry;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.token.Confirmation;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Mutual-TLS client authentication (RFC 8705 §2), both of its methods, for a request that named
 * its {@code client_id} and presented a certificate:
 * <ul>
 *   <li>{@code tls_client_auth} (§2.1): the certificate chains, within its validity, to a CA of
 *       {@code LATCHKEY_TLS_CLIENT_CA} (PKIX, RFC 5280 §6), and its subject DN equals the one
 *       registered (§2.1.2; names compared as RFC 5280 §7.1 says, not as text);</li>
 *   <li>{@code self_signed_tls_client_auth} (§2.2): the certificate's public key is one of the
 *       client's registered JWK set; no CA is involved, and validity dates are not checked
 *       (the registration, not the certificate, is what the client is trusted by).</li>
 * </ul>
 * The TLS handshake has already proved that the client holds the certificate's private key (or a
 * trusted proxy says it did). A client authenticated this way is bound to the certificate: its
 * access tokens carry {@code cnf.x5t#S256} (§3). Every failure is the same {@code invalid_client}.
 *
 * <p>Revocation of client certificates (CRL, OCSP) is not checked: deleting the client, or
 * registering another DN, is how an operator withdraws one.
 *
 * <p>A path that validated is remembered with the span in which every certificate of it is
 * valid, so the same certificate on the next request costs a lookup, not a signature check (one
 * ECDSA verification took about 700 µs of JDK 17's CPU, 85 % of a request). Nothing else PKIX
 * checks depends on the time, and the CAs are fixed for the server's life, so the answer is the
 * one a new validation would give. Only successes are kept, at most {@link #MAX_VALIDATED_PATHS}.
 */
public final class MutualTlsAuthentication implements ClientAuthentication<Credential.ClientCertificate> {
    /** A chain longer than this is not one a client needs to send. */
    static final int MAX_CHAIN_LENGTH = 5;
    /** Paths remembered at once; more distinct client certificates than that start it over. */
    static final int MAX_VALIDATED_PATHS = 10_000;

    private final ClientRegistry clients;
    private final Set<TrustAnchor> anchors;
    private final Clock clock;
    /** A path that validated, mapped to when it stops being valid: [latest notBefore, earliest notAfter]. */
    private final ConcurrentHashMap<List<X509Certificate>, ValidSpan> validated = new ConcurrentHashMap<>();

    private record ValidSpan(Instant from, Instant until) {
        static ValidSpan of(List<X509Certificate> path) {
            Instant from = Instant.MIN;
            Instant until = Instant.MAX;
            for (X509Certificate cert : path) {
                Instant notBefore = cert.getNotBefore().toInstant();
                Instant notAfter = cert.getNotAfter().toInstant();
                from = notBefore.isAfter(from) ? notBefore : from;
                until = notAfter.isBefore(until) ? notAfter : until;
            }
            return new ValidSpan(from, until);
        }

        boolean contains(Instant instant) {
            return !instant.isBefore(from) && !instant.isAfter(until);
        }
    }

    /** @param trustedCas the CAs {@code tls_client_auth} certificates must chain to; empty: none is accepted */
    public MutualTlsAuthentication(ClientRegistry clients, List<X509Certificate> trustedCas, Clock clock) {
        this.clients = clients;
        this.anchors = trustedCas.stream().map(ca -> new TrustAnchor(ca, null)).collect(Collectors.toUnmodifiableSet());
        this.clock = clock;
    }

    @Override
    public Class<Credential.ClientCertificate> checks() {
        return Credential.ClientCertificate.class;
    }

    @Override
    public boolean inMemory(Credential.ClientCertificate credential) {
        return clients.isCertificateRegistrationCached(credential.clientId());
    }

    @Override
    public Caller authenticate(Credential.ClientCertificate credential) {
        if (!ClientId.isWellFormed(credential.clientId()) || credential.chain().size() > MAX_CHAIN_LENGTH) {
            throw LatchkeyException.invalidClient();
        }
        ClientId id = new ClientId(credential.clientId());
        Client client = clients.find(id).orElseThrow(LatchkeyException::invalidClient);
        CertificateRegistration registration = clients.certificateRegistration(id)
                .orElseThrow(LatchkeyException::invalidClient); // registered for another method
        X509Certificate certificate = credential.certificate();
        boolean accepted = registration.method().equals(CertificateRegistration.TLS_CLIENT_AUTH)
                ? registration.subject().equals(certificate.getSubjectX500Principal()) && chainsToTrustedCa(credential)
                : keyIsRegistered(certificate.getPublicKey(), registration);
        if (!accepted) {
            throw LatchkeyException.invalidClient();
        }
        return new Caller.ClientCaller(client, registration.method(), Confirmation.ofCertificate(certificate));
    }

    /** RFC 5280 §6 path validation to one of the CAs, at the injected clock's time, without revocation checks. */
    private boolean chainsToTrustedCa(Credential.ClientCertificate credential) {
        if (anchors.isEmpty()) {
            return false;
        }
        // The path is the chain as sent, without any certificate that is itself an anchor.
        List<X509Certificate> path = credential.chain().stream()
                .filter(cert -> anchors.stream().noneMatch(anchor -> anchor.getTrustedCert().equals(cert)))
                .toList();
        if (path.isEmpty()) {
            return false; // the CA's own certificate is not a client's
        }
        Instant now = clock.instant();
        ValidSpan known = validated.get(path);
        if (known != null) {
            return known.contains(now);
        }
        try {
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
        if (validated.size() >= MAX_VALIDATED_PATHS) {
            validated.clear(); // the crude bound of the other caches: many certificates must not grow memory
        }
        validated.put(path, ValidSpan.of(path));
        return true;
    }

    /** RFC 8705 §2.2: the certificate's key, compared with each registered public key as encoded. */
    private static boolean keyIsRegistered(PublicKey presented, CertificateRegistration registration) {
        byte[] encoded = presented.getEncoded();
        for (JWK key : registration.keys().keys().getKeys()) {
            try {
                if (key instanceof OctetKeyPair okp) {
                    if (Arrays.equals(ed25519SubjectPublicKeyInfo(okp.getDecodedX()), encoded)) {
                        return true;
                    }
                } else if (key instanceof AsymmetricJWK asymmetric
                        && Arrays.equals(asymmetric.toPublicKey().getEncoded(), encoded)) {
                    return true;
                }
            } catch (JOSEException e) {
                // A key the JDK cannot rebuild (an unsupported curve): not this one.
            }
        }
        return false;
    }

    /** RFC 8410 §4: an Ed25519 key's SubjectPublicKeyInfo is a fixed 12-byte prefix and the 32-byte key. */
    private static byte[] ed25519SubjectPublicKeyInfo(byte[] x) {
        byte[] prefix = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
        byte[] spki = Arrays.copyOf(prefix, prefix.length + x.length);
        System.arraycopy(x, 0, spki, prefix.length, x.length);
        return spki;
    }
}
