package io.latchkey.core.token;

import io.latchkey.core.api.ApiAccess;
import io.latchkey.core.api.ApiRegistry;
import io.latchkey.core.api.ResourceIdentifier;
import io.latchkey.core.client.Client;
import io.latchkey.core.client.Scopes;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.usage.TokenUsage;

/**
 * RFC 6749 §4.4: a client trades its credentials for an access token. As the integration model
 * asks, the answer also carries a refresh token, which starts a new rotation family.
 */
public final class ClientCredentialsGrant {
    private final TokenIssuer issuer;
    private final ApiRegistry apis;
    private final TokenUsage usage;

    public ClientCredentialsGrant(TokenIssuer issuer, ApiRegistry apis) {
        this(issuer, apis, TokenUsage.NONE);
    }

    /** @param usage counts the access tokens issued, and refuses a client past its {@code tokensPerHour} */
    public ClientCredentialsGrant(TokenIssuer issuer, ApiRegistry apis, TokenUsage usage) {
        this.issuer = issuer;
        this.apis = apis;
        this.usage = usage;
    }

    /**
     * Issues the tokens of a client that has authenticated.
     *
     * @param requestedScope the {@code scope} parameter, or null for every scope the client has
     */
    public IssuedTokens grant(Client client, String requestedScope) {
        usage.admit(client);
        IssuedTokens tokens = issuer.issueNewFamily(client, client.scopes().narrow(requestedScope));
        usage.count(client);
        return tokens;
    }

    /**
     * Issues the tokens of a client that has authenticated, for the API named {@code resource}
     * (RFC 8707 §2), or as {@link #grant(Client, String)} when it is null: the scope is narrowed
     * within the client's grant for that API, not its own scopes.
     */
    public IssuedTokens grant(Client client, String requestedScope, String resource) {
        return grant(client, requestedScope, resource, null);
    }

    /**
     * As {@link #grant(Client, String, String)}, bound to {@code binding} when it is not null:
     * the key of the request's DPoP proof (RFC 9449 §5), which binds both tokens, and/or the
     * certificate the client authenticated with (RFC 8705 §3), which binds the access token. A
     * client registered with {@code dpopBoundAccessTokens} gets nothing without a proof (RFC 9449 §5.2).
     */
    public IssuedTokens grant(Client client, String requestedScope, String resource, Confirmation binding) {
        requireDpopWhereRegistered(client, binding);
        ApiAccess access = resource == null ? null : apis.access(client.id(), ResourceIdentifier.requested(resource));
        Scopes scopes = (access == null ? client.scopes() : access.scopes()).narrow(requestedScope);
        usage.admit(client);
        IssuedTokens tokens = issuer.issueNewFamily(client, scopes, access == null ? null : access.api(), binding);
        usage.count(client);
        return tokens;
    }

    /** RFC 9449 §5.2 {@code dpop_bound_access_tokens}: such a client's token requests carry a proof. */
    static void requireDpopWhereRegistered(Client client, Confirmation binding) {
        if (client.dpopBoundAccessTokens() && (binding == null || !binding.dpopBound())) {
            throw LatchkeyException.invalidDpopProof("This client gets tokens only with a DPoP proof.");
        }
    }
}
