package io.latchkey.client.internal;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;

/**
 * What the SDK reads from the authorization server's metadata (RFC 8414):
 * {@code /.well-known/oauth-authorization-server}.
 */
public record ServerMetadata(String issuer, URI tokenEndpoint, URI jwksUri, Optional<URI> introspectionEndpoint) {
    public static final String WELL_KNOWN_PATH = "/.well-known/oauth-authorization-server";

    /** The metadata URL of a server whose base URL is {@code baseUrl} (RFC 8414 §3). */
    public static URI metadataUrl(URI baseUrl) {
        return Urls.resolve(baseUrl, WELL_KNOWN_PATH);
    }

    public static ServerMetadata fetch(JsonHttp http, URI metadataUrl) throws IOException, InterruptedException {
        JsonHttp.Answer answer = http.send(JsonHttp.request(metadataUrl).GET().build());
        if (!answer.ok()) {
            throw new IOException("the server metadata at " + metadataUrl + " answered HTTP " + answer.status());
        }
        String issuer = answer.string("issuer")
                .orElseThrow(() -> new IOException("the server metadata at " + metadataUrl + " names no issuer"));
        URI token = answer.string("token_endpoint").map(URI::create)
                .orElseThrow(() -> new IOException("the server metadata at " + metadataUrl + " names no token_endpoint"));
        URI jwks = answer.string("jwks_uri").map(URI::create)
                .orElseThrow(() -> new IOException("the server metadata at " + metadataUrl + " names no jwks_uri"));
        return new ServerMetadata(issuer, token, jwks, answer.string("introspection_endpoint").map(URI::create));
    }
}
