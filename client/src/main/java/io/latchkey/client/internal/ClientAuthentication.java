package io.latchkey.client.internal;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;

/** How a token request says which client sends it: a header, or fields of its form (RFC 6749 §2.3). */
public interface ClientAuthentication {
    /** Adds the client's credentials to a request for {@code endpoint}: to its headers or to its {@code form}. */
    void authenticate(URI endpoint, HttpRequest.Builder request, Map<String, String> form);

    /** {@code client_secret_basic} (RFC 6749 §2.3.1). */
    static ClientAuthentication secretBasic(String clientId, String clientSecret) {
        String authorization = StandardTokenGrants.basic(clientId, clientSecret);
        return (endpoint, request, form) -> request.header("Authorization", authorization);
    }

    /** A client that proves itself otherwise (its TLS certificate, RFC 8705 §2) and only names itself. */
    static ClientAuthentication named(String clientId) {
        return (endpoint, request, form) -> form.put("client_id", clientId);
    }
}
