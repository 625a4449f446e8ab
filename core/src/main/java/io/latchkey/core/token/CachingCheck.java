package io.latchkey.core.token;

import io.latchkey.core.api.Api;
import io.latchkey.core.api.ApiGrant;
import io.latchkey.core.api.ApiRegistry;
import io.latchkey.core.client.Client;
import java.time.Duration;

/**
 * Tells a client that caches its access tokens from one that fetches more than it needs (SPEC
 * §10: the console flags a client that got more tokens in an hour than its token lifetime needs).
 *
 * <p>A client that keeps each access token until it is about to expire needs, per hour, an hour
 * divided by its tokens' lifetime (rounded up) for each audience it can get tokens for: the
 * server's own, and every API it is granted, each at the lifetime {@link TokenIssuer} gives its
 * tokens there. Past {@link #SLACK} times that, it is not caching. The slack leaves room for a
 * client that renews early, restarts, or runs as a couple of replicas with a cache each; one that
 * fetches a token for every call is past it by orders of magnitude. In memory: grants and APIs are.
 */
public final class CachingCheck {
    /** How many times its need a client may get in an hour before it counts as not caching. */
    public static final int SLACK = 2;
    private static final long HOUR_MILLIS = Duration.ofHours(1).toMillis();

    private final TokenSettings settings;
    private final ApiRegistry apis;

    public CachingCheck(TokenSettings settings, ApiRegistry apis) {
        this.settings = settings;
        this.apis = apis;
    }

    /** The access tokens {@code client} needs in an hour when it caches each until it expires. */
    public long tokensNeededPerHour(Client client) {
        long needed = perHour(TokenIssuer.accessTokenTtl(settings, client, null));
        for (ApiGrant grant : apis.grantsOf(client.id())) {
            Api api = apis.find(grant.apiId()).orElse(null);
            if (api != null) {
                needed += perHour(TokenIssuer.accessTokenTtl(settings, client, api));
            }
        }
        return needed;
    }

    /** Whether {@code lastHour} tokens are more than a caching client with that need would get. */
    public static boolean notCaching(long lastHour, long tokensNeededPerHour) {
        return lastHour > SLACK * tokensNeededPerHour;
    }

    private static long perHour(Duration lifetime) {
        long millis = Math.max(1, lifetime.toMillis());
        return (HOUR_MILLIS + millis - 1) / millis;
    }
}
