package io.latchkey.core.token;

import io.latchkey.core.client.Client;
import io.latchkey.core.client.ClientRegistry;

/**
 * RFC 6749 §4.4: a client trades its credentials for an access token. As the integration model
 * asks, the answer also carries a refresh token, which starts a new rotation family.
 */
public final class ClientCredentialsGrant {
    private final ClientRegistry clients;
    private final TokenIssuer issuer;

    public ClientCredentialsGrant(ClientRegistry clients, TokenIssuer issuer) {
        this.clients = clients;
        this.issuer = issuer;
    }

    /**
     * Authenticates the client and issues its tokens.
     *
     * @param requestedScope the {@code scope} parameter, or null for every scope the client has
     */
    public IssuedTokens grant(String clientId, String clientSecret, String requestedScope) {
        Client client = clients.authenticate(clientId, clientSecret);
        return issuer.issueNewFamily(client, client.scopes().narrow(requestedScope));
    }
}
