package io.latchkey.server.http;

import io.latchkey.core.auth.PrivateKeyJwtAuthentication;
import io.latchkey.core.dpop.DpopProofVerifier;
import io.latchkey.core.key.KeyPurpose;
import io.latchkey.server.Services;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /.well-known/oauth-authorization-server} (RFC 8414) and {@code GET /oauth2/jwks}
 * (RFC 7517).
 */
final class MetadataEndpoints {
    /** RFC 8414 §2: the algorithms private_key_jwt assertions may be signed with. */
    private static final List<String> ASSERTION_ALGS = PrivateKeyJwtAuthentication.ALGORITHMS.stream()
            .map(alg -> alg.getName()).toList();

    private final Services services;
    private final Map<String, Object> metadata;

    /** @param mutualTls whether clients may authenticate with a certificate (RFC 8705) */
    MetadataEndpoints(Services services, boolean mutualTls) {
        this.services = services;
        List<String> methods = Credentials.clientMethodNames(mutualTls);
        String issuer = services.tokenSettings().issuer();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("issuer", issuer);
        body.put("token_endpoint", issuer + "/oauth2/token");
        body.put("jwks_uri", issuer + "/oauth2/jwks");
        // RFC 8414 §2 requires the field; a machine-to-machine server has no authorization endpoint.
        body.put("response_types_supported", List.of());
        body.put("grant_types_supported", List.of("client_credentials", "refresh_token"));
        body.put("token_endpoint_auth_methods_supported", methods);
        body.put("token_endpoint_auth_signing_alg_values_supported", ASSERTION_ALGS);
        body.put("introspection_endpoint", issuer + "/oauth2/introspect");
        body.put("introspection_endpoint_auth_methods_supported", methods);
        body.put("introspection_endpoint_auth_signing_alg_values_supported", ASSERTION_ALGS);
        body.put("revocation_endpoint", issuer + "/oauth2/revoke");
        body.put("revocation_endpoint_auth_methods_supported", methods);
        body.put("revocation_endpoint_auth_signing_alg_values_supported", ASSERTION_ALGS);
        if (mutualTls) {
            // RFC 8705 §3.3: access tokens of a client that authenticated with a certificate are
            // bound to it. The endpoints above take certificates themselves: no mtls_endpoint_aliases (§5).
            body.put("tls_client_certificate_bound_access_tokens", true);
        }
        body.put("access_token_signing_alg_values_supported",
                List.of(services.keys().ring().current(KeyPurpose.ACCESS_TOKEN).algorithm().jws().getName()));
        // RFC 9449 §5.1.
        body.put("dpop_signing_alg_values_supported",
                DpopProofVerifier.ALGORITHMS.stream().map(alg -> alg.getName()).toList());
        this.metadata = java.util.Collections.unmodifiableMap(body);
    }

    void metadata(RoutingContext ctx) {
        Responses.send(ctx, Reply.ok(metadata));
    }

    void jwks(RoutingContext ctx) {
        var keys = services.keys().ring().publicKeys(services.clock().instant(), services.keys().accessRetention());
        ctx.response().putHeader("Content-Type", "application/jwk-set+json")
                .end(keys.toString(true));
    }
}
