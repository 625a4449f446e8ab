package io.latchkey.client.internal;

import java.io.IOException;
import java.net.URI;

/**
 * Where a request to the server goes — the token endpoint, the keys, introspection: a URL known
 * up front, or one read from the server's metadata on first use (RFC 8414).
 */
public interface EndpointLocator {
    String STANDARD_PATH = "/oauth2/token";
    String PIPELINE_PATH = "/pipeline/oauth2";

    URI locate() throws IOException, InterruptedException;

    static EndpointLocator fixed(URI endpoint) {
        return () -> endpoint;
    }

    /**
     * The endpoint named by the metadata at {@code metadataUrl}: its {@code token_endpoint}, or for
     * the pipeline endpoint, which RFC 8414 has no field for, {@code <issuer>/pipeline/oauth2}.
     */
    static EndpointLocator fromMetadata(JsonHttp http, URI metadataUrl, boolean pipeline) {
        LazyMetadata metadata = new LazyMetadata(http, metadataUrl);
        return () -> pipeline ? Urls.resolve(URI.create(metadata.get().issuer()), PIPELINE_PATH)
                : metadata.get().tokenEndpoint();
    }
}
