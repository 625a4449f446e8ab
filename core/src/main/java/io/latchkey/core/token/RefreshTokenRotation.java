package io.latchkey.core.token;

import io.latchkey.core.api.ApiAccess;
import io.latchkey.core.api.ApiRegistry;
import io.latchkey.core.api.ResourceIdentifier;
import io.latchkey.core.audit.Actor;
import io.latchkey.core.audit.AuditAction;
import io.latchkey.core.audit.Auditor;
import io.latchkey.core.auth.Caller;
import io.latchkey.core.client.Client;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.ClientRegistry;
import io.latchkey.core.client.Scopes;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.usage.TokenUsage;

/**
 * RFC 6749 §6 with the rotation of RFC 9700 §4.14.2: every refresh token is single-use. Using one
 * consumes it in the store, atomically, and returns a new one of the same family; presenting a
 * consumed one again means it leaked, so the whole family is revoked — every refresh token and
 * every access token issued in it.
 */
public final class RefreshTokenRotation {
    private final ClientRegistry clients;
    private final TokenIssuer issuer;
    private final TokenVerifier verifier;
    private final RevocationList revocations;
    private final RevocationStore store;
    private final Auditor auditor;
    private final ApiRegistry apis;
    private final TokenUsage usage;

    public RefreshTokenRotation(ClientRegistry clients, TokenIssuer issuer, TokenVerifier verifier,
                                RevocationList revocations, RevocationStore store, Auditor auditor,
                                ApiRegistry apis) {
        this(clients, issuer, verifier, revocations, store, auditor, apis, TokenUsage.NONE);
    }

    /**
     * @param usage counts the access tokens issued, and refuses a client past its {@code
     *              tokensPerHour} before its refresh token is consumed, so a refused refresh can
     *              be retried with the same token
     */
    public RefreshTokenRotation(ClientRegistry clients, TokenIssuer issuer, TokenVerifier verifier,
                                RevocationList revocations, RevocationStore store, Auditor auditor,
                                ApiRegistry apis, TokenUsage usage) {
        this.usage = usage;
        this.apis = apis;
        this.clients = clients;
        this.issuer = issuer;
        this.verifier = verifier;
        this.revocations = revocations;
        this.store = store;
        this.auditor = auditor;
    }

    /**
     * Consumes {@code refreshToken} and issues its successors.
     *
     * @param by             who asks: the client that authenticated the request, or an anonymous
     *                       caller on the pipeline endpoint, whose refresh flow carries no client
     *                       credentials; and from where, for the audit log
     * @param requestedScope an optional narrower scope for the new access token
     */
    public IssuedTokens refresh(String refreshToken, Actor by, String requestedScope) {
        return refresh(refreshToken, by, requestedScope, null);
    }

    /**
     * As {@link #refresh(String, Actor, String)}, for the API named {@code resource}: RFC 8707
     * §2.2 lets a refresh ask for any API the client is granted. Without one, a refresh token
     * issued for an API stays with it (its audience names it after the issuer).
     */
    public IssuedTokens refresh(String refreshToken, Actor by, String requestedScope, String resource) {
        return refresh(refreshToken, by, requestedScope, resource, null);
    }

    /**
     * As {@link #refresh(String, Actor, String, String)}, the new access token bound to {@code
     * binding} when it is not null: the key of the request's DPoP proof and/or the certificate the
     * client authenticated with. RFC 9449 §5: a refresh token of a DPoP grant is bound to its key,
     * so it is refused, before it is consumed, without a proof by that very key; the new refresh
     * token keeps its family's binding. RFC 8705 §4 binds the refresh token of a confidential
     * client to the client, and each access token to the certificate of the request that got it.
     */
    public IssuedTokens refresh(String refreshToken, Actor by, String requestedScope, String resource,
                                Confirmation binding) {
        TokenClaims claims = verifier.verify(refreshToken, TokenKind.REFRESH)
                .orElseThrow(() -> LatchkeyException.invalidToken("The refresh token is invalid or expired."));
        if (by.caller() instanceof Caller.ClientCaller authenticated
                && !authenticated.client().id().value().equals(claims.clientId())) {
            // RFC 6749 §6: the refresh token must have been issued to the authenticated client.
            throw LatchkeyException.invalidGrant("The refresh token was not issued to this client.");
        }
        Client client = clients.find(new ClientId(claims.clientId()))
                .orElseThrow(() -> LatchkeyException.invalidGrant("The client of this refresh token no longer exists."));
        String proofJkt = binding == null ? null : binding.jkt();
        if (claims.jkt() != null && !claims.jkt().equals(proofJkt)) {
            throw LatchkeyException.invalidDpopProof(proofJkt == null
                    ? "This refresh token is DPoP-bound: send a DPoP proof signed with its key."
                    : "The DPoP proof is not signed with the key this refresh token is bound to.");
        }
        ClientCredentialsGrant.requireDpopWhereRegistered(client, binding);
        if (revocations.isFamilyRevoked(claims.familyId())) {
            throw LatchkeyException.invalidGrant("The refresh token has been revoked.");
        }
        // The refresh token's audience names the API it was issued for after this server, if any.
        String bound = claims.audience() != null && claims.audience().size() > 1 ? claims.audience().get(1) : null;
        ResourceIdentifier named = resource != null ? ResourceIdentifier.requested(resource)
                : bound != null ? new ResourceIdentifier(bound) : null;
        ApiAccess access = null;
        Scopes refreshScope = claims.scope();
        Scopes accessScope;
        if (named != null) {
            if (named.value().equals(bound) && !apis.isGranted(client.id().value(), bound, claims.issuedAt())) {
                // Withdrawn (or given again since): the tokens of that grant are over, as introspection says.
                throw LatchkeyException.invalidGrant("The API of this refresh token is no longer granted to the client.");
            }
            access = apis.access(client.id(), named);
            if (!named.value().equals(bound)) {
                refreshScope = access.scopes(); // another API (RFC 8707 §2.2): what the client is granted of it
            }
            accessScope = within(refreshScope, access.scopes()).narrow(requestedScope);
        } else {
            accessScope = claims.scope().narrow(requestedScope);
        }
        usage.admit(client);
        switch (store.consumeRefreshToken(claims.jti(), claims.familyId(), claims.clientId(), claims.expiresAt())) {
            case CONSUMED -> { }
            case FAMILY_REVOKED -> throw LatchkeyException.invalidGrant("The refresh token has been revoked.");
            case ALREADY_USED -> {
                // RFC 9700 §4.14.2: reuse of a rotated refresh token revokes the whole family.
                // Memory forgets a revoked family once its access tokens have expired, so a reuse
                // may find it revoked only in the store: then it is no news.
                if (!revocations.revokeFamilyAfterReuse(claims.familyId(), claims.clientId())) {
                    throw LatchkeyException.invalidGrant("The refresh token has been revoked.");
                }
                auditor.record(AuditAction.REFRESH_TOKEN_REUSE_DETECTED, "client:" + claims.clientId(), by.source(),
                        claims.clientId(), "family " + claims.familyId());
                throw LatchkeyException.invalidGrant(
                        "The refresh token was already used; every token of its family is now revoked.");
            }
        }
        IssuedTokens tokens = issuer.issue(client, accessScope, refreshScope, claims.familyId(),
                access == null ? null : access.api(), binding, claims.confirmation());
        usage.count(client);
        return tokens;
    }

    /** The scopes of {@code scope} that {@code granted} still has: a grant may have narrowed since. */
    private static Scopes within(Scopes scope, Scopes granted) {
        return Scopes.of(scope.values().stream().filter(granted.values()::contains).toList());
    }
}
