package io.latchkey.client.internal;

import java.io.IOException;
import java.net.URI;

/** The server's metadata (RFC 8414), read once on first need; a failed read is tried again next time. */
public final class LazyMetadata {
    private final JsonHttp http;
    private final URI url;
    private volatile ServerMetadata metadata;

    public LazyMetadata(JsonHttp http, URI url) {
        this.http = http;
        this.url = url;
    }

    public ServerMetadata get() throws IOException, InterruptedException {
        ServerMetadata known = metadata;
        if (known == null) {
            synchronized (this) {
                if (metadata == null) {
                    metadata = ServerMetadata.fetch(http, url);
                }
                known = metadata;
            }
        }
        return known;
    }
}
