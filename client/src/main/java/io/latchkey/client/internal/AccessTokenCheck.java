package io.latchkey.client.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.latchkey.client.TokenPrincipal;
import io.latchkey.client.TokenRejectedException;
import io.latchkey.client.TokenRejectedException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Verifies a compact JWS access token (RFC 9068 §4) in one pass over it: split at the dots once,
 * the header from {@link HeaderCache} (decoded only the first time a key's header is met), the
 * signature checked over the token's own bytes with a per-thread {@code Mac} or
 * {@code Signature}, and only then the payload decoded and its claims read from the map.
 *
 * <p>Where Nimbus's {@code DefaultJWTProcessor} spends its time, and what this does instead:
 * it parses the header JSON on every token (cached here); builds a {@code JWSHeader}, a
 * {@code Base64URL} per part and a {@code JWTClaimsSet} with {@code Date}s (plain map reads
 * here); parses the payload through Gson ({@link ClaimsReader} reads the bytes directly);
 * creates and initialises a {@code Mac} per verification (once per thread here); and runs the
 * generic claims verifier (a few fixed checks here).
 *
 * <p>Order matters for safety: nothing of the payload is read before the signature verified,
 * and the algorithm is the key's, never the token's ({@link SignatureChecks}).
 */
public final class AccessTokenCheck {
    /** Far above any token Latchkey mints (under 1 KiB); nothing longer is even split. */
    static final int MAX_TOKEN_LENGTH = 8 * 1024;
    private static final Set<String> ALGORITHMS = Set.of("HS256", "HS384", "HS512", "ES256", "RS256", "EdDSA");

    private final KeySource keys;
    private final ClaimsCheck claims;
    private final Introspection introspection;
    private final RevocationFollower revocations;
    private final HeaderCache headers = new HeaderCache();

    /**
     * @param introspection {@code null} to ask no introspection
     * @param revocations   {@code null} to follow no revocation feed (then, without introspection,
     *                      a token is trusted until it expires)
     */
    public AccessTokenCheck(KeySource keys, String issuer, String audience, Duration skew, Clock clock,
                            Introspection introspection, RevocationFollower revocations) {
        this.keys = keys;
        this.claims = new ClaimsCheck(issuer, audience, skew, clock);
        this.introspection = introspection;
        this.revocations = revocations;
    }

    /** A token that verified, and the DPoP key it is bound to ({@code cnf.jkt}, RFC 9449 §6.1) or null. */
    public record Checked(TokenPrincipal principal, String jkt) {
    }

    /** Verifies a bearer token: one bound to a DPoP key is refused (RFC 9449 §7.1). */
    public TokenPrincipal verify(String token, Set<String> requiredScopes) throws TokenRejectedException {
        return verify(token, requiredScopes, null);
    }

    /**
     * Verifies a bearer token presented over a connection with {@code clientCertificate} (null:
     * none). A token bound to a certificate ({@code cnf.x5t#S256}, RFC 8705 §3) counts only with
     * that very certificate; an unbound one with any or none. One bound to a DPoP key is refused
     * (RFC 9449 §7.1).
     */
    public TokenPrincipal verify(String token, Set<String> requiredScopes, X509Certificate clientCertificate)
            throws TokenRejectedException {
        Checked checked = check(token, requiredScopes, clientCertificate);
        if (checked.jkt() != null) {
            throw new TokenRejectedException(Reason.DPOP_BOUND);
        }
        return checked.principal();
    }

    /** Verifies a token, bound or not, and says what DPoP key it is bound to. */
    public Checked check(String token, Set<String> requiredScopes) throws TokenRejectedException {
        return check(token, requiredScopes, null);
    }

    /**
     * As {@link #check(String, Set)}, over a connection with {@code clientCertificate} (null: none),
     * which a certificate-bound token needs (RFC 8705 §3).
     */
    public Checked check(String token, Set<String> requiredScopes, X509Certificate clientCertificate)
            throws TokenRejectedException {
        if (token == null || token.isEmpty()) {
            throw new TokenRejectedException(Reason.MISSING_TOKEN);
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new TokenRejectedException(Reason.MALFORMED);
        }
        int firstDot = token.indexOf('.');
        int secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
        if (firstDot <= 0 || secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0) {
            throw new TokenRejectedException(Reason.MALFORMED); // not a compact JWS (RFC 7515 §7.1)
        }
        JwsHeader header;
        try {
            header = headers.header(token, firstDot);
        } catch (ParseException e) {
            throw new TokenRejectedException(Reason.MALFORMED);
        }
        if (!ALGORITHMS.contains(header.algorithm())) {
            throw new TokenRejectedException(Reason.UNSUPPORTED_ALGORITHM); // "none" above all
        }
        if (!header.isAccessTokenType()) {
            throw new TokenRejectedException(Reason.WRONG_TYPE);
        }
        SignatureCheck check = key(header);
        if (!check.algorithm().equals(header.algorithm())) {
            throw new TokenRejectedException(Reason.UNSUPPORTED_ALGORITHM);
        }

        byte[] ascii = token.getBytes(StandardCharsets.ISO_8859_1);
        Map<String, Object> payload;
        try {
            byte[] signature = Base64Url.decode(ascii, secondDot + 1, ascii.length - secondDot - 1);
            if (!check.verify(ascii, secondDot, signature)) {
                throw new TokenRejectedException(Reason.BAD_SIGNATURE);
            }
            headers.remember(token, firstDot, header);
            byte[] json = Base64Url.decode(ascii, firstDot + 1, secondDot - firstDot - 1);
            payload = ClaimsReader.read(json);
            if (payload == null) {
                payload = JSONObjectUtils.parse(new String(json, StandardCharsets.UTF_8));
            }
        } catch (IllegalArgumentException | ParseException e) {
            throw new TokenRejectedException(Reason.MALFORMED);
        }

        TokenPrincipal principal = claims.check(payload, requiredScopes);
        if (revocations != null) {
            revocations.requireNotRevoked(stringClaim(payload, "jti"), stringClaim(payload, "fid"), principal.clientId());
        }
        String jkt = null;
        Object cnf = payload.get("cnf");
        if (cnf != null) {
            if (!(cnf instanceof Map<?, ?> confirmation) || confirmation.get("jkt") != null
                    && !(confirmation.get("jkt") instanceof String)) {
                throw new TokenRejectedException(Reason.MALFORMED);
            }
            jkt = (String) confirmation.get("jkt");
            if (confirmation.get("x5t#S256") instanceof String bound
                    && (clientCertificate == null || !MessageDigest.isEqual(bound.getBytes(StandardCharsets.US_ASCII),
                            thumbprint(clientCertificate).getBytes(StandardCharsets.US_ASCII)))) {
                throw new TokenRejectedException(Reason.CERTIFICATE_MISMATCH); // RFC 8705 §3
            }
        }
        if (introspection != null) {
            Object jti = payload.get("jti");
            introspection.requireActive(token, jti instanceof String id ? id : token);
        }
        return new Checked(principal, jkt);
    }

    private static String stringClaim(Map<String, Object> payload, String name) {
        return payload.get(name) instanceof String value ? value : null;
    }

    /** RFC 8705 §3.1: the base64url SHA-256 of the certificate's DER. */
    static String thumbprint(X509Certificate certificate) throws TokenRejectedException {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new TokenRejectedException(Reason.CERTIFICATE_MISMATCH);
        }
    }

    private SignatureCheck key(JwsHeader header) throws TokenRejectedException {
        KeySet known;
        try {
            known = keys.keys();
        } catch (KeySource.KeysUnavailableException e) {
            throw new TokenRejectedException(Reason.UNAVAILABLE, e);
        }
        SignatureCheck check = known.find(header.keyId(), header.algorithm());
        if (check == null && !known.knows(header.keyId())) {
            // A kid we have not seen: the server may have rotated its key since we fetched.
            check = keys.refetch(known).find(header.keyId(), header.algorithm());
        }
        if (check == null) {
            throw new TokenRejectedException(Reason.UNKNOWN_KEY);
        }
        return check;
    }
}
