package io.latchkey.client.internal;

import io.latchkey.client.TokenPrincipal;
import io.latchkey.client.TokenRejectedException;
import io.latchkey.client.TokenRejectedException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The claims checks of RFC 9068 §4 on a token whose signature already verified: {@code iss} is the
 * expected issuer, {@code aud} contains this API's audience, {@code exp} is not past and
 * {@code nbf}/{@code iat} not ahead (each within the clock skew), {@code client_id} and
 * {@code sub} are present, and {@code scope} holds what the caller requires.
 *
 * <p>Deliberately not Nimbus's {@code DefaultJWTClaimsVerifier}: reading a handful of map entries
 * is all this needs, where building a {@code JWTClaimsSet} converts every claim (dates to
 * {@code Date}, audiences to lists) first.
 */
final class ClaimsCheck {
    private final String issuer;
    private final String audience;
    private final long skewMillis;
    private final Clock clock;

    ClaimsCheck(String issuer, String audience, Duration skew, Clock clock) {
        this.issuer = issuer;
        this.audience = audience;
        this.skewMillis = skew.toMillis();
        this.clock = clock;
    }

    TokenPrincipal check(Map<String, Object> claims, Set<String> requiredScopes) throws TokenRejectedException {
        if (!issuer.equals(claims.get("iss"))) {
            throw new TokenRejectedException(Reason.WRONG_ISSUER);
        }
        if (!hasAudience(claims.get("aud"))) {
            throw new TokenRejectedException(Reason.WRONG_AUDIENCE);
        }
        long now = clock.millis();
        Object exp = claims.get("exp");
        if (!(exp instanceof Number)) {
            throw new TokenRejectedException(Reason.MALFORMED);
        }
        long expiresAt = seconds(exp) * 1000;
        if (now >= expiresAt + skewMillis) {
            throw new TokenRejectedException(Reason.EXPIRED);
        }
        // RFC 7519 §4.1.5 nbf; Latchkey sets none, so a token stamped (iat) ahead of our clock counts too.
        if (aheadOf(now, claims.get("nbf")) || aheadOf(now, claims.get("iat"))) {
            throw new TokenRejectedException(Reason.NOT_YET_VALID);
        }
        Object clientId = claims.get("client_id");
        Object subject = claims.get("sub");
        Object scope = claims.get("scope");
        Object partnerId = claims.get("partner_id");
        if (!(clientId instanceof String) || !(subject instanceof String)
                || (scope != null && !(scope instanceof String)) || (partnerId != null && !(partnerId instanceof String))) {
            throw new TokenRejectedException(Reason.MALFORMED);
        }
        Set<String> scopes = scope == null ? Set.of() : Scopes.parse((String) scope);
        if (!scopes.containsAll(requiredScopes)) {
            throw new TokenRejectedException(Reason.INSUFFICIENT_SCOPE, requiredScopes);
        }
        return new TokenPrincipal((String) clientId, (String) partnerId, scopes, Instant.ofEpochMilli(expiresAt));
    }

    /** RFC 7519 §4.1.3: one string, or an array of them. */
    private boolean hasAudience(Object aud) {
        if (aud instanceof String single) {
            return audience.equals(single);
        }
        return aud instanceof List<?> many && many.contains(audience);
    }

    private boolean aheadOf(long now, Object time) {
        return time instanceof Number && now + skewMillis < seconds(time) * 1000;
    }

    private static long seconds(Object numericDate) {
        return ((Number) numericDate).longValue();
    }
}
