package io.latchkey.core.token;

import io.latchkey.core.client.Scopes;
import java.time.Duration;

/** The outcome of a grant: an access token and the refresh token that renews it. */
public record IssuedTokens(String accessToken, String refreshToken, Duration accessTokenTtl, Scopes scope) {
    @Override
    public String toString() {
        return "IssuedTokens[scope=" + scope.spaceDelimited() + "]"; // never the tokens
    }
}
