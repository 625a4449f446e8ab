package io.latchkey.core.token;

import io.latchkey.core.client.Scopes;
import java.time.Instant;
import java.util.List;

/**
 * The verified claims of a token this server minted.
 *
 * @param familyId the rotation family: every refresh token of one client_credentials grant, and
 *                 every access token issued with them, share it, so one revocation ends them all
 * @param confirmation the key or certificate the token is bound to ({@code cnf}), or null for a
 *                     bearer token
 */
public record TokenClaims(
        TokenKind kind,
        String jti,
        String issuer,
        String subject,
        String clientId,
        String partnerId,
        List<String> audience,
        Scopes scope,
        String familyId,
        Instant issuedAt,
        Instant expiresAt,
        Confirmation confirmation) {
    /** The claims of a token bound to nothing. */
    public TokenClaims(TokenKind kind, String jti, String issuer, String subject, String clientId, String partnerId,
                       List<String> audience, Scopes scope, String familyId, Instant issuedAt, Instant expiresAt) {
        this(kind, jti, issuer, subject, clientId, partnerId, audience, scope, familyId, issuedAt, expiresAt, null);
    }

    /** The DPoP key thumbprint the token is bound to (RFC 9449 §6.1), or null. */
    public String jkt() {
        return confirmation == null ? null : confirmation.jkt();
    }
}
