package io.latchkey.core.token;

import io.latchkey.core.api.ApiRegistry;
import io.latchkey.core.client.ClientRegistry;
import java.util.List;
import java.util.Optional;

/**
 * RFC 7662: whether a token is active, and what it says. A token is active when it verifies, has
 * not expired, its client still exists, its family is not revoked, and it was not itself revoked
 * (an access token) or consumed (a refresh token). A token for a registered API (SPEC §6) is
 * active only while the API exists and the client's grant for it stands.
 */
public final class TokenIntrospection {
    private final TokenVerifier verifier;
    private final ClientRegistry clients;
    private final RevocationList revocations;
    private final RevocationStore store;
    private final ApiRegistry apis;
    private final TokenSettings settings;

    public TokenIntrospection(TokenVerifier verifier, ClientRegistry clients, RevocationList revocations,
                              RevocationStore store, ApiRegistry apis, TokenSettings settings) {
        this.apis = apis;
        this.settings = settings;
        this.verifier = verifier;
        this.clients = clients;
        this.revocations = revocations;
        this.store = store;
    }

    /** The claims of an active token, or empty for any token that is not (RFC 7662 §2.2). */
    public Optional<TokenClaims> introspect(String token) {
        Optional<TokenClaims> access = verifier.verify(token, TokenKind.ACCESS);
        if (access.isPresent()) {
            return access.filter(this::isActive);
        }
        // Memory remembers a revoked family only while its access tokens live; the store, for as
        // long as its refresh tokens do.
        return verifier.verify(token, TokenKind.REFRESH)
                .filter(c -> stillValid(c) && !store.isRefreshTokenSpent(c.jti(), c.familyId()));
    }

    /** The claims of an access token that verifies (signature, typ, iss, exp); revocation aside. */
    public Optional<TokenClaims> verifyAccessToken(String token) {
        return verifier.verify(token, TokenKind.ACCESS);
    }

    /**
     * Whether a verified access token is active: neither it nor its family is revoked, and its
     * client exists. The check endpoint (SPEC §8) asks it inline when {@link #answersInMemory}.
     */
    public boolean isActive(TokenClaims access) {
        return !revocations.isAccessTokenRevoked(access.jti()) && stillValid(access);
    }

    /**
     * Whether {@link #isActive} reads no store: the revocation list is current, the client cached,
     * and so are its grants when the token is for an API.
     */
    public boolean answersInMemory(TokenClaims access) {
        return revocations.inMemory() && clients.isCached(access.clientId())
                && (ownAudience(access) || apis.areGrantsCached(access.clientId()));
    }

    private boolean stillValid(TokenClaims claims) {
        return !revocations.isFamilyRevoked(claims.familyId()) && clients.exists(claims.clientId())
                && audienceStillGranted(claims);
    }

    /**
     * An access token for the server's own audience, or a refresh token naming only the issuer,
     * concerns no API. Any other audience must be an API the client is still granted, by a grant
     * no younger than the token. In memory.
     */
    private boolean audienceStillGranted(TokenClaims claims) {
        if (ownAudience(claims)) {
            return true;
        }
        List<String> audience = claims.audience() == null ? List.of() : claims.audience();
        List<String> apiAudience = claims.kind() == TokenKind.ACCESS ? audience
                : audience.isEmpty() ? audience : audience.subList(1, audience.size());
        if (apiAudience.isEmpty()) {
            return false;
        }
        for (String identifier : apiAudience) {
            if (!apis.isGranted(claims.clientId(), identifier, claims.issuedAt())) {
                return false;
            }
        }
        return true;
    }

    private boolean ownAudience(TokenClaims claims) {
        List<String> audience = claims.audience() == null ? List.of() : claims.audience();
        return audience.equals(claims.kind() == TokenKind.ACCESS ? settings.audience() : List.of(settings.issuer()));
    }
}
