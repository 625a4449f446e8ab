package io.latchkey.server.http;

import io.latchkey.core.error.LatchkeyException;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The client credentials of a request to a standard endpoint (RFC 6749 §2.3.1): HTTP Basic
 * ({@code client_secret_basic}) or {@code client_id} and {@code client_secret} in the body
 * ({@code client_secret_post}), and for the client_credentials grant also the integration
 * model's {@code username} and {@code password}. Using more than one method is an error.
 */
record ClientCredentials(String clientId, String clientSecret) {
    private static final String BASIC = "basic ";

    @Override
    public String toString() {
        return "ClientCredentials[" + clientId + "]"; // never the secret
    }

    /**
     * The credentials the request carries.
     *
     * @param allowUsernamePassword whether the model's {@code username}/{@code password} count
     * @throws LatchkeyException {@code invalid_client} when none are given or Basic is malformed,
     *                           {@code invalid_request} when more than one method is used
     */
    static ClientCredentials from(RoutingContext ctx, OAuthParameters parameters, boolean allowUsernamePassword) {
        String authorization = ctx.request().getHeader("Authorization");
        boolean basic = authorization != null && authorization.regionMatches(true, 0, BASIC, 0, BASIC.length());
        boolean post = parameters.get("client_secret") != null;
        boolean alias = allowUsernamePassword && parameters.get("password") != null;
        if ((basic ? 1 : 0) + (post ? 1 : 0) + (alias ? 1 : 0) > 1) {
            throw LatchkeyException.invalidRequest("Use exactly one client authentication method.");
        }
        ClientCredentials credentials = presented(ctx, parameters, basic, post, alias, authorization);
        AuthAttempts.check(ctx, "client:" + credentials.clientId());
        return credentials;
    }

    private static ClientCredentials presented(RoutingContext ctx, OAuthParameters parameters, boolean basic,
                                               boolean post, boolean alias, String authorization) {
        if (basic) {
            ClientCredentials credentials = decodeBasic(authorization.substring(BASIC.length()).trim());
            String bodyId = parameters.get("client_id");
            if (bodyId != null && !bodyId.equals(credentials.clientId())) {
                throw LatchkeyException.invalidRequest("client_id in the body differs from the authenticated client.");
            }
            return credentials;
        }
        if (post) {
            return new ClientCredentials(parameters.get("client_id"), parameters.get("client_secret"));
        }
        if (alias) {
            return new ClientCredentials(parameters.get("username"), parameters.get("password"));
        }
        AuthAttempts.check(ctx, null);
        throw LatchkeyException.invalidClient();
    }

    /** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and base64'd. */
    static ClientCredentials decodeBasic(String encoded) {
        try {
            String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw LatchkeyException.invalidClient();
            }
            return new ClientCredentials(
                    URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                    URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw LatchkeyException.invalidClient();
        }
    }
}
