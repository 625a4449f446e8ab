package io.latchkey.server.http;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.latchkey.core.key.SigningKey;
import io.latchkey.server.Services;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code GET /admin/keys/access-token}: what an API needs to verify access tokens offline, as a
 * JWK set (RFC 7517) — the current access-token key and the retired ones whose tokens may still
 * live. For HS256 that is the shared secret itself ({@code oct} keys): an API cannot check an HMAC
 * without it, which is why this sits behind the admin API key and is never cached (RFC 6749 §5.1's
 * {@code no-store}, as for any answer carrying a secret). For ES256, RS256 and EdDSA only the
 * public halves are given, the same as {@code /oauth2/jwks}.
 */
final class SharedKeyEndpoint {
    private final Services services;

    SharedKeyEndpoint(Services services) {
        this.services = services;
    }

    void handle(RoutingContext ctx) {
        List<SigningKey> keys = services.keys().ring()
                .accessTokenKeys(services.clock().instant(), services.keys().accessRetention());
        List<JWK> jwks = keys.stream().map(SigningKey::verificationJwk).toList();
        ctx.response()
                .putHeader("Content-Type", "application/jwk-set+json")
                .putHeader("Cache-Control", "no-store")
                .putHeader("Pragma", "no-cache")
                // toString(false) keeps the private members: for an oct key the secret is the point.
                .end(new JWKSet(jwks).toString(false));
    }
}
