package io.latchkey.core.client;

import java.time.Duration;

/**
 * Fetches the JSON text a client serves at its {@link JwksUri}: one {@code GET}, bounded in time
 * and size, following no redirect, and only to an address that is public or, by the URI's own
 * name, loopback (no private, link-local or other internal target: a server-side request forgery
 * guard). Implemented at the edge, since {@code core} speaks no HTTP; it blocks, so it runs on a
 * worker, never on an event loop.
 */
public interface JwksFetcher {
    /** Connecting may take this long. */
    Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** The whole answer, headers and body, must have arrived this long after the request was sent. */
    Duration READ_TIMEOUT = Duration.ofSeconds(3);
    /** A body larger than this is refused: ten RSA keys with certificate chains fit in it. */
    int MAX_BYTES = 64 * 1024;

    /**
     * The body of a {@code 200} answer.
     *
     * @throws io.latchkey.core.error.LatchkeyException {@code invalid_request}, with a message
     *                                                  that says what went wrong (and no part of the body)
     */
    String fetch(JwksUri uri);

    /** A fetcher for a process that fetches nothing (the offline CLI): every URI is refused. */
    JwksFetcher NONE = uri -> {
        throw io.latchkey.core.error.LatchkeyException.invalidRequest("jwksUri cannot be fetched here.");
    };
}
