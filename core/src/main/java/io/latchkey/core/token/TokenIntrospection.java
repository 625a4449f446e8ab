package io.latchkey.core.token;

import io.latchkey.core.client.ClientRegistry;
import java.util.Optional;

/**
 * RFC 7662: whether a token is active, and what it says. A token is active when it verifies, has
 * not expired, its client still exists, its family is not revoked, and it was not itself revoked
 * (an access token) or consumed (a refresh token).
 */
public final class TokenIntrospection {
    private final TokenVerifier verifier;
    private final ClientRegistry clients;
    private final RevocationList revocations;
    private final RevocationStore store;

    public TokenIntrospection(TokenVerifier verifier, ClientRegistry clients, RevocationList revocations,
                              RevocationStore store) {
        this.verifier = verifier;
        this.clients = clients;
        this.revocations = revocations;
        this.store = store;
    }

    /** The claims of an active token, or empty for any token that is not (RFC 7662 §2.2). */
    public Optional<TokenClaims> introspect(String token) {
        Optional<TokenClaims> access = verifier.verify(token, TokenKind.ACCESS);
        if (access.isPresent()) {
            return access.filter(c -> !revocations.isAccessTokenRevoked(c.jti()) && stillValid(c));
        }
        // Memory remembers a revoked family only while its access tokens live; the store, for as
        // long as its refresh tokens do.
        return verifier.verify(token, TokenKind.REFRESH)
                .filter(c -> stillValid(c) && !store.isRefreshTokenSpent(c.jti(), c.familyId()));
    }

    /**
     * An access token that verifies and is not revoked, itself or its family: all of
     * {@link #introspect} but the client's existence, and all in memory (the check endpoint, SPEC §8,
     * asks {@link ClientRegistry} itself, on the event loop when the client is cached).
     */
    public Optional<TokenClaims> unrevokedAccessToken(String token) {
        return verifier.verify(token, TokenKind.ACCESS)
                .filter(c -> !revocations.isAccessTokenRevoked(c.jti()) && !revocations.isFamilyRevoked(c.familyId()));
    }

    private boolean stillValid(TokenClaims claims) {
        return !revocations.isFamilyRevoked(claims.familyId()) && clients.exists(claims.clientId());
    }
}
