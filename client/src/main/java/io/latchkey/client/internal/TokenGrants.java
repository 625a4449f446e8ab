package io.latchkey.client.internal;

import java.io.IOException;

/** The two grants a token source uses, spoken in one endpoint's dialect. */
public interface TokenGrants {
    /** RFC 6749 §4.4: a new token from the client's own credentials. */
    TokenResponse clientCredentials() throws IOException, InterruptedException, TokenEndpointException;

    /** RFC 6749 §6: a new token (and, Latchkey rotating them, a new refresh token) for a refresh token. */
    TokenResponse refresh(String refreshToken) throws IOException, InterruptedException, TokenEndpointException;
}
