package io.latchkey.server.http;

import io.latchkey.core.client.CertificateRegistration;
import io.latchkey.core.client.Client;
import io.latchkey.core.client.ClientJwks;
import io.latchkey.core.client.JwksUri;
import io.latchkey.core.client.NewClient;
import java.util.LinkedHashMap;
import java.util.Map;

/** How a client is shown by the admin API: never with a secret hash, and its secret only once. */
final class ClientViews {
    private ClientViews() {
    }

    static final String PRIVATE_KEY_JWT = "private_key_jwt";

    /** A client of a secret. */
    static Map<String, Object> of(Client client) {
        return of(client, null);
    }

    /** A client, with its public keys when it authenticates with {@code private_key_jwt} (SPEC §7). */
    static Map<String, Object> of(Client client, ClientJwks keys) {
        return of(client, keys, null);
    }

    /**
     * A client, with its public keys when it authenticates with {@code private_key_jwt}, or with
     * the URL it serves them at (and not the set served at registration, which may be outdated).
     */
    static Map<String, Object> of(Client client, ClientJwks keys, JwksUri jwksUri) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("clientId", client.id().value());
        view.put("partnerId", client.partnerId());
        if (client.name() != null) {
            view.put("name", client.name());
        }
        view.put("scopes", client.scopes().asList());
        view.put("createdAt", client.createdAt().toString());
        if (client.accessTokenTtl() != null) {
            view.put("accessTokenTtl", client.accessTokenTtl().toString());
        }
        if (client.previousSecretExpiresAt() != null) {
            view.put("previousSecretExpiresAt", client.previousSecretExpiresAt().toString());
        }
        if (keys == null) {
            view.put("secretExpiresAt", instant(client.secretExpiresAt())); // SPEC §10; null: never
        }
        if (client.limits().allowedSources() != null) {
            view.put("allowedSources", client.limits().allowedSources());
        }
        if (client.limits().tokensPerHour() != 0) {
            view.put("tokensPerHour", client.limits().tokensPerHour());
        }
        view.put("tokenEndpointAuthMethod", keys == null ? "client_secret_basic" : PRIVATE_KEY_JWT);
        view.put("dpopBoundAccessTokens", client.dpopBoundAccessTokens()); // RFC 9449 §5.2
        if (jwksUri != null) {
            view.put("jwksUri", jwksUri.toString());
        } else if (keys != null) {
            view.put("jwks", keys.jsonObject());
        }
        return view;
    }

    /**
     * A client of a certificate (RFC 8705 §2): its method, and the subject DN or the JWK set it is
     * recognised by (RFC 7591 §2 {@code tls_client_auth_subject_dn}, {@code jwks}).
     */
    static Map<String, Object> ofCertificate(Client client, CertificateRegistration certificate) {
        Map<String, Object> view = of(client, certificate.keys());
        view.put("tokenEndpointAuthMethod", certificate.method());
        if (certificate.subjectDn() != null) {
            view.put("tlsClientAuthSubjectDn", certificate.subjectDn());
        }
        return view;
    }

    /** An instant as ISO-8601 text, or null. */
    static String instant(java.time.Instant instant) {
        return instant == null ? null : instant.toString();
    }

    static Map<String, Object> withSecret(NewClient created) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("clientId", created.client().id().value());
        if (created.secret() != null) {
            view.put("clientSecret", created.secret()); // a key-based or certificate client has none (SPEC §7)
        }
        view.putAll(created.certificate() != null ? ofCertificate(created.client(), created.certificate())
                : of(created.client(), created.keys(), created.jwksUri()));
        return view;
    }

    /** The body of a successful delete, on the pipeline and the admin API alike (SPEC §2). */
    static Map<String, Object> deleted(String clientId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", 200);
        body.put("message", "Success when deleting client credentials for the clientId: " + clientId);
        return body;
    }
}
