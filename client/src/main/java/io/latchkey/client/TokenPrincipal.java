package io.latchkey.client;

import java.security.Principal;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;

/**
 * Who a verified access token speaks for: the client (RFC 9068 {@code client_id}), the partner
 * that client belongs to ({@code partner_id}, Latchkey's own claim), the scopes granted, and when
 * the token expires. Immutable; {@link #getName()} is the client id.
 */
public record TokenPrincipal(String clientId, String partnerId, Set<String> scopes, Instant expiresAt)
        implements Principal {
    public TokenPrincipal {
        Objects.requireNonNull(clientId, "clientId");
        scopes = Set.copyOf(scopes);
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }

    public boolean hasScopes(Collection<String> required) {
        return scopes.containsAll(required);
    }

    @Override
    public String getName() {
        return clientId;
    }
}
