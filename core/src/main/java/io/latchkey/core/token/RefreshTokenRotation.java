package io.latchkey.core.token;

import io.latchkey.core.audit.Actor;
import io.latchkey.core.audit.AuditAction;
import io.latchkey.core.audit.Auditor;
import io.latchkey.core.auth.Caller;
import io.latchkey.core.client.Client;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.ClientRegistry;
import io.latchkey.core.client.Scopes;
import io.latchkey.core.error.LatchkeyException;

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

    public RefreshTokenRotation(ClientRegistry clients, TokenIssuer issuer, TokenVerifier verifier,
                                RevocationList revocations, RevocationStore store, Auditor auditor) {
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
        TokenClaims claims = verifier.verify(refreshToken, TokenKind.REFRESH)
                .orElseThrow(() -> LatchkeyException.invalidToken("The refresh token is invalid or expired."));
        if (by.caller() instanceof Caller.ClientCaller authenticated
                && !authenticated.client().id().value().equals(claims.clientId())) {
            // RFC 6749 §6: the refresh token must have been issued to the authenticated client.
            throw LatchkeyException.invalidGrant("The refresh token was not issued to this client.");
        }
        Client client = clients.find(new ClientId(claims.clientId()))
                .orElseThrow(() -> LatchkeyException.invalidGrant("The client of this refresh token no longer exists."));
        if (revocations.isFamilyRevoked(claims.familyId())) {
            throw LatchkeyException.invalidGrant("The refresh token has been revoked.");
        }
        Scopes accessScope = claims.scope().narrow(requestedScope);
        switch (store.consumeRefreshToken(claims.jti(), claims.familyId(), claims.clientId(), claims.expiresAt())) {
            case CONSUMED -> { }
            case FAMILY_REVOKED -> throw LatchkeyException.invalidGrant("The refresh token has been revoked.");
            case ALREADY_USED -> {
                // RFC 9700 §4.14.2: reuse of a rotated refresh token revokes the whole family.
                // Memory forgets a revoked family once its access tokens have expired, so a reuse
                // may find it revoked only in the store: then it is no news.
                if (!revocations.revokeFamily(claims.familyId(), claims.clientId())) {
                    throw LatchkeyException.invalidGrant("The refresh token has been revoked.");
                }
                auditor.record(AuditAction.REFRESH_TOKEN_REUSE_DETECTED, "client:" + claims.clientId(), by.source(),
                        claims.clientId(), "family " + claims.familyId());
                throw LatchkeyException.invalidGrant(
                        "The refresh token was already used; every token of its family is now revoked.");
            }
        }
        return issuer.issue(client, accessScope, claims.scope(), claims.familyId());
    }
}
