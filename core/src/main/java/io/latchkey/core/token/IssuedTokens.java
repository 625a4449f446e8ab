package io.latchkey.core.token;

import io.latchkey.core.api.Api;
import io.latchkey.core.client.Scopes;
import java.time.Duration;

/**
 * The outcome of a grant: an access token and the refresh token that renews it, and the API
 * (RFC 8707) the access token is for, or null for the server's own audience.
 */
public record IssuedTokens(String accessToken, String refreshToken, Duration accessTokenTtl, Scopes scope, Api api) {
    /** Tokens for the server's own audience. */
    public IssuedTokens(String accessToken, String refreshToken, Duration accessTokenTtl, Scopes scope) {
        this(accessToken, refreshToken, accessTokenTtl, scope, null);
    }

    @Override
    public String toString() {
        return "IssuedTokens[scope=" + scope.spaceDelimited() + "]"; // never the tokens
    }
}
