package io.latchkey.server.http;

import io.latchkey.core.client.Client;
import io.latchkey.core.client.ClientJwks;
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
        view.put("tokenEndpointAuthMethod", keys == null ? "client_secret_basic" : PRIVATE_KEY_JWT);
        view.put("dpopBoundAccessTokens", client.dpopBoundAccessTokens()); // RFC 9449 §5.2
        if (keys != null) {
            view.put("jwks", keys.jsonObject());
        }
        return view;
    }

    static Map<String, Object> withSecret(NewClient created) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("clientId", created.client().id().value());
        if (created.secret() != null) {
            view.put("clientSecret", created.secret()); // a private_key_jwt client has none (SPEC §7)
        }
        view.putAll(of(created.client(), created.keys()));
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
