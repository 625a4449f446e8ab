package io.latchkey.core.token;

import io.latchkey.core.client.Client;
import io.latchkey.core.ratelimit.ClientRateLimiter;
import java.util.Optional;

/**
 * RFC 7009: a client revokes one of its tokens. Revoking a refresh token ends its whole rotation
 * family (RFC 7009 §2.1 lets the server revoke the grant's other tokens too); revoking an access
 * token ends that token. An invalid or expired token, or one of another client, is left alone
 * and still answered with success (§2.2), so the endpoint tells a caller nothing about tokens
 * that are not its own.
 *
 * <p>Every revocation is a row in the store and an entry in every instance's memory for as long
 * as the token can live, so each client may ask only so often ({@link ClientRateLimiter}); beyond
 * that it is answered {@code too_many_requests} (RFC 6585 §4) before its token is even read.
 */
public final class TokenRevocation {
    private final TokenVerifier verifier;
    private final RevocationList revocations;
    private final ClientRateLimiter limiter;

    public TokenRevocation(TokenVerifier verifier, RevocationList revocations, ClientRateLimiter limiter) {
        this.verifier = verifier;
        this.revocations = revocations;
        this.limiter = limiter;
    }

    public void revoke(Client caller, String token) {
        String callerId = caller.id().value();
        limiter.acquire(callerId);
        Optional<TokenClaims> access = verifier.verify(token, TokenKind.ACCESS);
        if (access.isPresent()) {
            TokenClaims claims = access.get();
            if (claims.clientId().equals(callerId) && !revocations.isAccessTokenRevoked(claims.jti())) {
                revocations.revokeAccessToken(claims.jti(), callerId, claims.expiresAt());
            }
            return;
        }
        verifier.verify(token, TokenKind.REFRESH)
                .filter(claims -> claims.clientId().equals(callerId))
                .filter(claims -> !revocations.isFamilyRevoked(claims.familyId()))
                .ifPresent(claims -> revocations.revokeFamily(claims.familyId(), callerId));
    }
}
