package io.latchkey.store.jdbc;

import java.time.Instant;

/**
 * One entry of the change log: its place in the log ({@code seq}), what changed ({@code kind}),
 * which one ({@code subject}) and, for revocations, until when it matters.
 */
public record Change(long seq, Kind kind, String subject, Instant expiresAt) {
    /** The kinds of change an instance reacts to. */
    public enum Kind {
        /** A client was deleted or its secret rotated: drop it from caches. */
        CLIENT,
        /** An admin API key was created or deleted: reload the keys. */
        API_KEYS,
        /** A client's public keys (private_key_jwt) were removed: drop them from caches. */
        CLIENT_KEYS,
        /** A signing key was added or retired: reload the key ring. */
        SIGNING_KEYS,
        /** A rotation family was revoked. */
        FAMILY_REVOKED,
        /** One access token was revoked. */
        ACCESS_TOKEN_REVOKED,
        /**
         * A client (the subject) was deleted, at {@code expiresAt}: for the revocation feed, which
         * lists it while its access tokens may live. Logged beside {@link #CLIENT}.
         */
        CLIENT_DELETED,
        /** An API (the subject, its id) was changed or deleted: read it again. */
        API,
        /** The API grants of a client (the subject) changed: read them again. */
        API_GRANTS
    }
}
