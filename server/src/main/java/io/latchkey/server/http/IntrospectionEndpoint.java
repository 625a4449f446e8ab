package io.latchkey.server.http;

import io.latchkey.core.token.TokenClaims;
import io.latchkey.core.token.TokenKind;
import io.latchkey.server.Services;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /oauth2/introspect} (RFC 7662). The caller authenticates as a client or with an
 * API key in {@code X-API-Key} of either role: introspection reads and changes nothing, and a
 * protected API holding a {@code verifier} key needs it for tokens it cannot verify offline
 * (a refresh token, or a revocation it must not miss). Any token that is not active answers just
 * {@code {"active":false}} (§2.2), whatever the reason.
 */
final class IntrospectionEndpoint {
    private final Services services;
    private final Operations operations;

    IntrospectionEndpoint(Services services, Operations operations) {
        this.services = services;
        this.operations = operations;
    }

    void handle(RoutingContext ctx) {
        OAuthParameters parameters = OAuthParameters.parse(ctx);
        var attempt = FrontDoor.begin(ctx, Credentials.API_KEY_OR_CLIENT, parameters);
        operations.authenticated(ctx, attempt, () -> {
            String token = parameters.require("token");
            operations.onWorker(ctx, () -> Reply.ok(body(services.introspection().introspect(token))).withNoStore());
        });
    }

    private static Map<String, Object> body(Optional<TokenClaims> active) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (active.isEmpty()) {
            body.put("active", false);
            return body;
        }
        TokenClaims claims = active.get();
        body.put("active", true);
        body.put("client_id", claims.clientId());
        body.put("sub", claims.subject());
        body.put("scope", claims.scope().spaceDelimited());
        body.put("exp", claims.expiresAt().getEpochSecond());
        body.put("iat", claims.issuedAt().getEpochSecond());
        body.put("iss", claims.issuer());
        body.put("aud", claims.audience());
        body.put("jti", claims.jti());
        // RFC 9449 §6.2: a DPoP-bound access token introspects as token_type DPoP, with its cnf.
        body.put("token_type", claims.kind() != TokenKind.ACCESS ? "refresh_token" : claims.jkt() != null ? "DPoP" : "Bearer");
        body.put("partner_id", claims.partnerId());
        if (claims.confirmation() != null) {
            body.put("cnf", claims.confirmation().asClaim()); // RFC 8705 §3.2
        }
        return body;
    }
}
