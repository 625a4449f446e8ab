package io.latchkey.core.token;

import io.latchkey.core.client.Scopes;
import java.time.Duration;

/**
 * The outcome of a grant: an access token and the refresh token that renews it.
 *
 * @param confirmation what the access token is bound to ({@code cnf}), or null for a bearer token
 */
public record IssuedTokens(String accessToken, String refreshToken, Duration accessTokenTtl, Scopes scope,
                           Confirmation confirmation) {
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
