package io.latchkey.server.http;

import io.latchkey.core.token.IssuedTokens;
import java.util.LinkedHashMap;
import java.util.Map;

/** The bodies of a successful token response on each endpoint. */
final class TokenResponses {
    private TokenResponses() {
    }

    /** RFC 6749 §5.1: {@code expires_in} in seconds. */
    static Reply standard(IssuedTokens tokens) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", tokens.accessToken());
        body.put("token_type", "Bearer");
        body.put("expires_in", tokens.accessTokenTtl().toSeconds());
        body.put("refresh_token", tokens.refreshToken());
        if (!tokens.scope().isEmpty()) {
            body.put("scope", tokens.scope().spaceDelimited());
        }
        return Reply.ok(body).withNoStore();
    }

    /** The integration model's response, verbatim: {@code expires_in} in milliseconds. */
    static Reply pipeline(IssuedTokens tokens) {
        long millis = tokens.accessTokenTtl().toMillis();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token_type", "Bearer");
        body.put("expires_in", millis);
        body.put("ext_expires_in", millis);
        body.put("access_token", tokens.accessToken());
        body.put("refresh_token", tokens.refreshToken());
        if (!tokens.scope().isEmpty()) {
            body.put("scope", tokens.scope().spaceDelimited());
        }
        return Reply.ok(body).withNoStore();
    }
}
