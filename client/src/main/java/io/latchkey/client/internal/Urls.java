package io.latchkey.client.internal;

import java.net.URI;

/** Joins a server's base URL and one of its paths, whether or not the base ends with a slash. */
public final class Urls {
    private Urls() {
    }

    public static URI resolve(URI base, String path) {
        String text = base.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text + path);
    }

    /** The server's base URL: what a metadata URL was derived from (RFC 8414 §3). */
    public static URI baseOf(URI metadataUrl) {
        String text = metadataUrl.toString();
        int at = text.indexOf(ServerMetadata.WELL_KNOWN_PATH);
        return at < 0 ? metadataUrl : URI.create(text.substring(0, at));
    }
}
