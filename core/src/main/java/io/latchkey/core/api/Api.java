package io.latchkey.core.api;

import io.latchkey.core.client.Scopes;
import java.time.Duration;
import java.time.Instant;

/**
 * A protected API registered with the server (SPEC §6): the audience its tokens carry, the scopes
 * it understands, and how long its access tokens live.
 *
 * @param id             the server's name for it, minted at registration
 * @param identifier     its resource indicator (RFC 8707 §2): an absolute URI without fragment,
 *                       unique, what a token request's {@code resource} names and {@code aud} says
 * @param accessTokenTtl the lifetime of its access tokens, or null for the server's default
 */
public record Api(String id, ResourceIdentifier identifier, String name, Scopes scopes, Duration accessTokenTtl,
                  Instant createdAt) {

    /** A copy with the fields of an update, each kept when null. */
    public Api changed(String newName, Scopes newScopes, Duration newTtl, boolean clearTtl) {
        return new Api(id, identifier, newName != null ? newName : name, newScopes != null ? newScopes : scopes,
                clearTtl ? null : newTtl != null ? newTtl : accessTokenTtl, createdAt);
    }
}
