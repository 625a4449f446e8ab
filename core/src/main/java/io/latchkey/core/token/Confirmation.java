package io.latchkey.core.token;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code cnf} claim of a sender-constrained token (RFC 7800 §3.1): the key or certificate its
 * holder must prove possession of. Each member is null when that method does not bind the token.
 *
 * @param jkt     RFC 9449 §6.1: the RFC 7638 SHA-256 thumbprint of the DPoP proof key
 * @param x5tS256 RFC 8705 §3.1: the SHA-256 thumbprint of the client certificate
 */
public record Confirmation(String jkt, String x5tS256) {
    public static final String CLAIM = "cnf";
    static final String JKT = "jkt";
    static final String X5T_S256 = "x5t#S256";

    /** A binding to a DPoP key. */
    public static Confirmation ofDpopKey(String jkt) {
        return new Confirmation(jkt, null);
    }

    /** A binding to a client certificate (RFC 8705 §3.1). */
    public static Confirmation ofCertificate(X509Certificate certificate) {
        return new Confirmation(null, thumbprint(certificate));
    }

    /** The base64url SHA-256 thumbprint of a certificate's DER encoding (RFC 8705 §3.1 {@code x5t#S256}). */
    public static String thumbprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot take the thumbprint of a certificate", e);
        }
    }

    /** The binding a token's {@code cnf} claim spells, or null for an unbound token (or a cnf of no member we know). */
    static Confirmation fromClaim(Map<String, Object> cnf) {
        if (cnf == null) {
            return null;
        }
        Object jkt = cnf.get(JKT);
        Object x5t = cnf.get(X5T_S256);
        if (!(jkt instanceof String) && !(x5t instanceof String)) {
            return null;
        }
        return new Confirmation(jkt instanceof String s ? s : null, x5t instanceof String s ? s : null);
    }

    /** The claim's members, in the order they are written. */
    public Map<String, Object> asClaim() {
        Map<String, Object> claim = new LinkedHashMap<>();
        if (jkt != null) {
            claim.put(JKT, jkt);
        }
        if (x5tS256 != null) {
            claim.put(X5T_S256, x5tS256);
        }
        return claim;
    }

    /** Whether the token is DPoP-bound, so presented with the {@code DPoP} scheme (RFC 9449 §7.1). */
    public boolean dpopBound() {
        return jkt != null;
    }

    /** Whether the token is bound to a client certificate (RFC 8705 §3). */
    public boolean certificateBound() {
        return x5tS256 != null;
    }

    /**
     * What the refresh token of a grant bound so carries: a DPoP key binds it too (RFC 9449 §5), a
     * certificate does not — a confidential client's refresh token is bound to the client, which
     * authenticates to use it (RFC 8705 §4), so it may renew its certificate and keep its grant.
     */
    public Confirmation forRefreshToken() {
        return jkt == null ? null : ofDpopKey(jkt);
    }

    /** Both bindings: the members of {@code a}, with those {@code b} has and {@code a} lacks; null when both are. */
    public static Confirmation both(Confirmation a, Confirmation b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return new Confirmation(a.jkt != null ? a.jkt : b.jkt, a.x5tS256 != null ? a.x5tS256 : b.x5tS256);
    }
}
