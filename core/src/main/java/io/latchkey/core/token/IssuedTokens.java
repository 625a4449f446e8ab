package io.latchkey.core.token;

import io.latchkey.core.api.Api;
import io.latchkey.core.client.Scopes;
import java.time.Duration;

/**
 * The outcome of a grant: an access token and the refresh token that renews it, and the API
 * (RFC 8707) the access token is for, or null for the server's own audience.
 *
 * @param confirmation what the access token is bound to ({@code cnf}), or null for a bearer token
 */
public record IssuedTokens(String accessToken, String refreshToken, Duration accessTokenTtl, Scopes scope, Api api,
                           Confirmation confirmation) {
    /** Unbound tokens for {@code api}. */
    public IssuedTokens(String accessToken, String refreshToken, Duration accessTokenTtl, Scopes scope, Api api) {
        this(accessToken, refreshToken, accessTokenTtl, scope, api, null);
    }

    /** Tokens for the server's own audience. */
    public IssuedTokens(String accessToken, String refreshToken, Duration accessTokenTtl, Scopes scope) {
        this(accessToken, refreshToken, accessTokenTtl, scope, null);
    }

    /** RFC 9449 §5: {@code DPoP} for an access token bound to a DPoP key, else {@code Bearer}. */
    public String tokenType() {
        return confirmation != null && confirmation.dpopBound() ? "DPoP" : "Bearer";
    }

    @Override
    public String toString() {
        return "IssuedTokens[scope=" + scope.spaceDelimited() + "]"; // never the tokens
    }
}
