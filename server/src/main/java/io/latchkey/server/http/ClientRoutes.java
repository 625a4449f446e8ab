package io.latchkey.server.http;

import io.latchkey.core.client.CertificateRegistration;
import io.latchkey.core.client.Client;
import io.latchkey.core.api.TokenLifetime;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.ClientJwks;
import io.latchkey.core.client.ClientLimits;
import io.latchkey.core.client.ClientRegistry;
import io.latchkey.core.client.JwksUri;
import io.latchkey.core.client.NewClient;
import io.latchkey.core.client.Scopes;
import io.latchkey.core.client.SecretLifetime;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.server.Services;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@code /admin/clients}: register, list, show, change, delete and re-key clients (SPEC §4, §6,
 * §10).
 * Views: {@link ClientViews}.
 */
final class ClientRoutes {
    private final Services services;
    private final Operations operations;

    ClientRoutes(Services services, Operations operations) {
        this.services = services;
        this.operations = operations;
    }

    void register(RouteTable table) {
        table.post("/admin/clients", this::create);
        table.get("/admin/clients", this::list);
        table.get("/admin/clients/:clientId", this::get);
        table.patch("/admin/clients/:clientId", this::update);
        table.delete("/admin/clients/:clientId", this::delete);
        table.post("/admin/clients/:clientId/secret", this::rotateSecret);
    }

    private void create(RoutingContext ctx) {
        JsonFields fields = AdminRequests.jsonBody(ctx);
        String partnerId = fields.nonBlankText("partnerId", PipelineEndpoint.MAX_PARTNER_ID);
        String name = AdminRequests.optionalName(fields);
        List<String> scopes = fields.optionalTextList("scopes");
        Scopes granted = scopes == null ? Scopes.NONE : Scopes.of(scopes);
        CertificateRegistration certificate = certificateOf(fields);
        if (certificate != null && fields.has("jwksUri")) {
            throw LatchkeyException.invalidRequest("jwksUri is for tokenEndpointAuthMethod private_key_jwt.");
        }
        KeySource keys = certificate == null ? keysOf(fields) : null;
        Duration secretTtl = GovernanceFields.secretTtl(fields);
        if ((keys != null || certificate != null) && secretTtl != null) {
            throw LatchkeyException.invalidRequest("secretTtl is for clients of a secret; a client of a key or a "
                    + "certificate has none.");
        }
        ClientLimits limits = GovernanceFields.limits(fields);
        boolean dpopBound = fields.optionalBoolean("dpopBoundAccessTokens");
        operations.onWorker(ctx, () -> {
            NewClient created = certificate != null
                    ? services.clients().create(partnerId, name, granted, certificate, limits, dpopBound,
                            AdminRequests.actor(ctx))
                    : keys == null
                    ? services.clients().create(partnerId, name, granted, secretTtl, limits, dpopBound,
                            AdminRequests.actor(ctx))
                    : keys.jwksUri() != null
                    ? services.clients().create(partnerId, name, granted, keys.jwksUri(), limits, dpopBound,
                            AdminRequests.actor(ctx))
                    : services.clients().create(partnerId, name, granted, keys.jwks(), limits, dpopBound,
                            AdminRequests.actor(ctx));
            return Reply.created(ClientViews.withSecret(created)).withNoStore();
        });
    }

    /** The keys of a {@code private_key_jwt} client: the set itself, or where it is served (one of them). */
    private record KeySource(ClientJwks jwks, JwksUri jwksUri) {
    }

    /**
     * SPEC §7, RFC 8705 §2: {@code tls_client_auth} with its {@code tlsClientAuthSubjectDn}, or
     * {@code self_signed_tls_client_auth} with its {@code jwks}; null for any other method.
     */
    private static CertificateRegistration certificateOf(JsonFields fields) {
        String method = fields.optionalText("tokenEndpointAuthMethod");
        String subjectDn = fields.optionalText("tlsClientAuthSubjectDn");
        if (CertificateRegistration.TLS_CLIENT_AUTH.equals(method)) {
            if (fields.has("jwks")) {
                throw LatchkeyException.invalidRequest("A tls_client_auth client is known by tlsClientAuthSubjectDn, not jwks.");
            }
            if (subjectDn == null) {
                throw LatchkeyException.invalidRequest(
                        "A tls_client_auth client needs tlsClientAuthSubjectDn, the subject DN of its certificate.");
            }
            return CertificateRegistration.subject(subjectDn);
        }
        if (subjectDn != null) {
            throw LatchkeyException.invalidRequest("tlsClientAuthSubjectDn is for tokenEndpointAuthMethod tls_client_auth.");
        }
        if (CertificateRegistration.SELF_SIGNED_TLS_CLIENT_AUTH.equals(method)) {
            String jwks = fields.optionalObjectJson("jwks");
            if (jwks == null) {
                throw LatchkeyException.invalidRequest("A self_signed_tls_client_auth client needs jwks, a JWK set "
                        + "holding the public key of its certificate.");
            }
            return CertificateRegistration.selfSigned(ClientJwks.parse(jwks));
        }
        return null;
    }

    /**
     * SPEC §7: {@code tokenEndpointAuthMethod} ({@code client_secret_basic}, the default, or
     * {@code private_key_jwt}) and, for {@code private_key_jwt} only, its {@code jwks} or its
     * {@code jwksUri} (fetched on the worker, by {@code ClientRegistry.create}); null for a client
     * of a secret.
     */
    private static KeySource keysOf(JsonFields fields) {
        String method = fields.optionalText("tokenEndpointAuthMethod");
        String jwks = fields.optionalObjectJson("jwks");
        String jwksUri = fields.optionalText("jwksUri");
        if (method == null || method.equals("client_secret_basic") || method.equals("client_secret_post")) {
            if (jwks != null || jwksUri != null) {
                throw LatchkeyException.invalidRequest("jwks and jwksUri are for tokenEndpointAuthMethod private_key_jwt.");
            }
            return null;
        }
        if (!method.equals(ClientViews.PRIVATE_KEY_JWT)) {
            throw LatchkeyException.invalidRequest("tokenEndpointAuthMethod must be client_secret_basic, "
                    + "private_key_jwt, tls_client_auth or self_signed_tls_client_auth.");
        }
        if (jwks != null && jwksUri != null) {
            throw LatchkeyException.invalidRequest("Give jwks or jwksUri, not both (RFC 7591 §2).");
        }
        if (jwks == null && jwksUri == null) {
            throw LatchkeyException.invalidRequest("A private_key_jwt client needs jwks, a JWK set of public keys, "
                    + "or jwksUri, the https URL it serves them at.");
        }
        return jwksUri != null ? new KeySource(null, JwksUri.parse(jwksUri)) : new KeySource(ClientJwks.parse(jwks), null);
    }

    private void list(RoutingContext ctx) {
        List<String> partnerIds = ctx.queryParam("partnerId");
        if (partnerIds.size() > 1) {
            throw LatchkeyException.invalidRequest("Give partnerId at most once.");
        }
        // An empty partnerId is a filter too (it matches nobody), unlike AdminRequests.single.
        String partnerId = partnerIds.isEmpty() ? null : JsonFields.storable("partnerId", partnerIds.get(0));
        String within = AdminRequests.single(ctx, "expiringWithin");
        // SPEC §10: the clients whose secret expires within a duration from now, or has expired.
        Duration expiringWithin = within == null ? null : SecretLifetime.parse("expiringWithin", within);
        operations.onWorker(ctx, () -> {
            Instant until = expiringWithin == null ? null : services.clock().instant().plus(expiringWithin);
            return Reply.ok(Map.of("clients", services.clients().list(partnerId).stream()
                    .filter(client -> until == null
                            || client.secretExpiresAt() != null && client.secretExpiresAt().isBefore(until))
                    .map(this::view).toList()));
        });
    }

    private void get(RoutingContext ctx) {
        ClientId id = AdminRequests.clientId(ctx);
        operations.onWorker(ctx, () -> Reply.ok(view(services.clients().find(id)
                .orElseThrow(() -> LatchkeyException.notFound("No client with the clientId: " + id.value())))));
    }

    private Map<String, Object> view(Client client) {
        CertificateRegistration certificate = services.clients().certificateRegistration(client.id()).orElse(null);
        return certificate != null ? ClientViews.ofCertificate(client, certificate)
                : ClientViews.of(client, services.clients().keys(client.id()).orElse(null),
                        services.clients().jwksUri(client.id()).orElse(null));
    }

    /**
     * SPEC §6: name, scopes and the cap on its access tokens' lifetime (JSON null drops the cap),
     * its limits, and SPEC §7's {@code dpopBoundAccessTokens}.
     */
    private void update(RoutingContext ctx) {
        ClientId id = AdminRequests.clientId(ctx);
        JsonFields fields = AdminRequests.jsonBody(ctx);
        String name = AdminRequests.optionalName(fields);
        List<String> scopes = fields.optionalTextList("scopes");
        Scopes changed = scopes == null ? null : Scopes.of(scopes);
        String ttl = fields.optionalText("accessTokenTtl");
        Duration cap = ttl == null ? null : TokenLifetime.parse("accessTokenTtl", ttl);
        boolean clearCap = fields.has("accessTokenTtl") && ttl == null;
        UnaryOperator<ClientLimits> limits = GovernanceFields.change(fields);
        // SPEC §7: settable as at create; absent keeps it, JSON null is the default (false).
        Boolean dpopBound = fields.has("dpopBoundAccessTokens") ? fields.optionalBoolean("dpopBoundAccessTokens") : null;
        operations.onWorker(ctx, () -> Reply.ok(view(services.clients().update(id, name, changed, cap, clearCap, limits,
                dpopBound, AdminRequests.actor(ctx)))));
    }

    private void delete(RoutingContext ctx) {
        ClientId id = AdminRequests.clientId(ctx);
        operations.onWorker(ctx, () -> {
            services.clients().delete(id, AdminRequests.actor(ctx));
            return Reply.ok(ClientViews.deleted(id.value()));
        });
    }

    private void rotateSecret(RoutingContext ctx) {
        ClientId id = AdminRequests.clientId(ctx);
        JsonFields fields = AdminRequests.optionalJsonBody(ctx);
        long graceSeconds = fields == null ? 0
                : fields.optionalLong("graceSeconds", 0, 0, ClientRegistry.MAX_GRACE.toSeconds());
        Duration grace = Duration.ofSeconds(graceSeconds);
        Duration secretTtl = fields == null ? null : GovernanceFields.secretTtl(fields);
        operations.onWorker(ctx, () -> {
            var rotated = services.clients().rotateSecret(id, grace, secretTtl, AdminRequests.actor(ctx));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("clientId", id.value());
            body.put("clientSecret", rotated.secret());
            body.put("previousSecretExpiresAt", rotated.client().previousSecretExpiresAt() == null
                    ? null : rotated.client().previousSecretExpiresAt().toString());
            body.put("secretExpiresAt", ClientViews.instant(rotated.client().secretExpiresAt()));
            return Reply.ok(body).withNoStore();
        });
    }
}
