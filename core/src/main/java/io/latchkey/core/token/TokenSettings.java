package io.latchkey.core.token;

import java.time.Duration;
import java.util.List;

/**
 * What every token carries and how long it lives.
 *
 * @param issuer          the {@code iss} of every token (RFC 9068 §2.2)
 * @param audience        the {@code aud} of access tokens: the APIs they are meant for
 * @param accessTokenTtl  access-token lifetime
 * @param refreshTokenTtl refresh-token lifetime, counted from each rotation
 */
public record TokenSettings(String issuer, List<String> audience, Duration accessTokenTtl, Duration refreshTokenTtl) {
    public TokenSettings {
        audience = List.copyOf(audience);
        if (accessTokenTtl.isNegative() || accessTokenTtl.isZero()
                || refreshTokenTtl.isNegative() || refreshTokenTtl.isZero()) {
            throw new IllegalArgumentException("token lifetimes must be positive");
        }
    }

    /** How long a revocation must be remembered: until every token it covers has expired. */
    public Duration longestTtl() {
        return accessTokenTtl.compareTo(refreshTokenTtl) > 0 ? accessTokenTtl : refreshTokenTtl;
    }
}
