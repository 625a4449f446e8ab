package io.latchkey.core.token;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * What a sender-constrained access token is bound to: its {@code cnf} claim (RFC 7800 §3.1), one
 * confirmation method and its value — {@code x5t#S256}, the SHA-256 thumbprint of a client
 * certificate (RFC 8705 §3.1), or {@code jkt}, that of a DPoP key (RFC 9449 §6.1). A resource
 * server must refuse the token unless the request proves the same binding.
 *
 * @param method the member of {@code cnf}, such as {@code x5t#S256}
 * @param value  its value, a base64url thumbprint
 */
public record Confirmation(String method, String value) {
    /** RFC 8705 §3.1: the base64url SHA-256 of the DER of the client certificate. */
    public static final String X5T_S256 = "x5t#S256";
    /** RFC 9449 §6.1: the base64url SHA-256 JWK thumbprint (RFC 7638) of the DPoP key. */
    public static final String JKT = "jkt";
    /** A SHA-256 thumbprint is 43 characters; nothing longer is a confirmation we wrote. */
    static final int MAX_VALUE_LENGTH = 128;

    public Confirmation {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(value, "value");
        if (method.isEmpty() || value.isEmpty() || value.length() > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("a confirmation is a method and a thumbprint");
        }
    }

    /** The binding to {@code certificate} (RFC 8705 §3.1). */
    public static Confirmation certificate(X509Certificate certificate) {
        return new Confirmation(X5T_S256, thumbprint(certificate));
    }

    /** The base64url SHA-256 thumbprint of a certificate's DER encoding (RFC 8705 §3.1). */
    public static String thumbprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot take the thumbprint of a certificate", e);
        }
    }

    /**
     * The confirmation a {@code cnf} claim holds: exactly one member, a string; null for anything
     * else (a token whose {@code cnf} says something this server never writes is not one of ours).
     */
    public static Confirmation parse(Map<String, Object> cnf) {
        if (cnf == null || cnf.size() != 1) {
            return null;
        }
        Map.Entry<String, Object> member = cnf.entrySet().iterator().next();
        if (!(member.getValue() instanceof String value) || value.isEmpty() || value.length() > MAX_VALUE_LENGTH
                || member.getKey().isEmpty()) {
            return null;
        }
        return new Confirmation(member.getKey(), value);
    }

    /** The {@code cnf} claim's JSON object. */
    public Map<String, Object> json() {
        return Map.of(method, value);
    }
}
