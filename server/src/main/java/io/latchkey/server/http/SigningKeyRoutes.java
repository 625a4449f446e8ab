package io.latchkey.server.http;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.latchkey.core.key.SigningKey;
import io.latchkey.server.Services;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /admin/keys}: rotate the signing keys, and hand an API the keys it verifies access
 * tokens with.
 */
final class SigningKeyRoutes {
    private final Services services;
    private final Operations operations;

    SigningKeyRoutes(Services services, Operations operations) {
        this.services = services;
        this.operations = operations;
    }

    void register(RouteTable table) {
        table.post("/admin/keys/rotate", this::rotate);
        table.get("/admin/keys/access-token", this::accessTokenKeys);
    }

    private void rotate(RoutingContext ctx) {
        operations.onWorker(ctx, () -> {
            List<SigningKey> rotated = services.signingKeyRotation().rotate(AdminRequests.actor(ctx));
            return Reply.ok(Map.of("keys", rotated.stream().map(SigningKeyRoutes::view).toList()));
        });
    }

    /**
     * {@code GET /admin/keys/access-token}: what an API needs to verify access tokens offline, as a
     * JWK set (RFC 7517) — the current access-token key and the retired ones whose tokens may still
     * live. For HS256 that is the shared secret itself ({@code oct} keys): an API cannot check an HMAC
     * without it, which is why this sits behind an API key — a {@code verifier} key is enough, the
     * one route besides introspection it opens ({@link AdminAuthentication#VERIFIER_ROUTES}) — and is never cached (RFC 6749 §5.1's
     * {@code no-store}, as for any answer carrying a secret). For ES256, RS256 and EdDSA only the
     * public halves are given, the same as {@code /oauth2/jwks}.
     */
    private void accessTokenKeys(RoutingContext ctx) {
        List<SigningKey> keys = services.keys().ring()
                .accessTokenKeys(services.clock().instant(), services.keys().accessRetention());
        List<JWK> jwks = keys.stream().map(SigningKey::verificationJwk).toList();
        // toString(false) keeps the private members: for an oct key the secret is the point.
        Responses.send(ctx, new Reply(200, io.vertx.core.buffer.Buffer.buffer(new JWKSet(jwks).toString(false)), true,
                "application/jwk-set+json"));
    }

    private static Map<String, Object> view(SigningKey key) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("kid", key.kid());
        view.put("use", key.purpose().storedName());
        view.put("alg", key.algorithm().jws().getName());
        view.put("createdAt", key.createdAt().toString());
        return view;
    }
}
