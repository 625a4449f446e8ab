package io.latchkey.core.token;

import io.latchkey.core.client.Client;

/**
 * RFC 6749 §4.4: a client trades its credentials for an access token. As the integration model
 * asks, the answer also carries a refresh token, which starts a new rotation family.
 */
public final class ClientCredentialsGrant {
    private final TokenIssuer issuer;

    public ClientCredentialsGrant(TokenIssuer issuer) {
        this.issuer = issuer;
    }

    /**
     * Issues the tokens of a client that has authenticated.
     *
     * @param requestedScope the {@code scope} parameter, or null for every scope the client has
     */
    public IssuedTokens grant(Client client, String requestedScope) {
        return issuer.issueNewFamily(client, client.scopes().narrow(requestedScope));
    }
}
