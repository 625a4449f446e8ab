package io.latchkey.core.client;

import java.util.List;

/**
 * What an operator allows one client beyond its scopes (SPEC §10): where it may authenticate
 * from, and how many access tokens it may get per hour.
 *
 * @param allowedSources CIDR blocks (canonical, as the edge parsed them) the client may
 *                       authenticate from, or null for anywhere
 * @param tokensPerHour  the most access tokens it may get in any hour, or 0 for no cap
 */
public record ClientLimits(List<String> allowedSources, long tokensPerHour) {
    /** No limits: anywhere, any number of tokens. */
    public static final ClientLimits NONE = new ClientLimits(null, 0);

    public ClientLimits {
        allowedSources = allowedSources == null ? null : List.copyOf(allowedSources);
        if (tokensPerHour < 0) {
            throw new IllegalArgumentException("tokensPerHour is positive, or 0 for no cap");
        }
    }

    /** A copy with the fields of an update: each null is kept, {@code clearSources} drops the list. */
    public ClientLimits changed(List<String> newSources, boolean clearSources, Long newTokensPerHour,
                                boolean clearTokensPerHour) {
        return new ClientLimits(clearSources ? null : newSources != null ? newSources : allowedSources,
                clearTokensPerHour ? 0 : newTokensPerHour != null ? newTokensPerHour : tokensPerHour);
    }
}
