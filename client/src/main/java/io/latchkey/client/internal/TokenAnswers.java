package io.latchkey.client.internal;

import com.nimbusds.jwt.JWTParser;
import java.io.IOException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

/** Reads a token endpoint's answer: a {@link TokenResponse}, or the error it carries. */
final class TokenAnswers {
    /** When a server gives no {@code expires_in} and the token is not a JWT either. */
    static final Duration ASSUMED_LIFETIME = Duration.ofMinutes(1);

    private TokenAnswers() {
    }

    /**
     * @param expiresInUnit what one unit of {@code expires_in} is: a second on the standard
     *                      endpoint (RFC 6749 §5.1), a millisecond on the pipeline endpoint (SPEC §2)
     */
    static TokenResponse read(JsonHttp.Answer answer, Duration expiresInUnit, Instant requestedAt)
            throws IOException, TokenEndpointException {
        return read(answer, expiresInUnit, requestedAt, false);
    }

    /**
     * @param dpop whether the request carried a DPoP proof: then the token must be {@code
     *             token_type: DPoP} (RFC 9449 §5), never silently a bearer token
     */
    static TokenResponse read(JsonHttp.Answer answer, Duration expiresInUnit, Instant requestedAt, boolean dpop)
            throws IOException, TokenEndpointException {
        if (!answer.ok()) {
            throw new TokenEndpointException(answer.status(), answer.string("error").orElse(null), retryAfter(answer));
        }
        String access = answer.string("access_token")
                .orElseThrow(() -> new IOException("the token endpoint answered no access_token"));
        String type = answer.string("token_type").orElse("");
        String expected = dpop ? "DPoP" : "Bearer";
        if (!expected.equalsIgnoreCase(type)) {
            throw new IOException("the token endpoint answered token_type '" + type + "', not " + expected);
        }
        Duration lifetime = answer.number("expires_in")
                .map(n -> expiresInUnit.multipliedBy(n.longValue()))
                .orElseGet(() -> lifetimeFromJwt(access, requestedAt));
        return new TokenResponse(access, answer.string("refresh_token").orElse(null), lifetime, requestedAt);
    }

    /** RFC 6749 §5.1 only recommends {@code expires_in}; a JWT's own {@code exp} is the next best. */
    private static Duration lifetimeFromJwt(String token, Instant requestedAt) {
        try {
            Date exp = JWTParser.parse(token).getJWTClaimsSet().getExpirationTime();
            if (exp != null && exp.toInstant().isAfter(requestedAt)) {
                return Duration.between(requestedAt, exp.toInstant());
            }
        } catch (ParseException e) {
            // an opaque token: assume below
        }
        return ASSUMED_LIFETIME;
    }

    /** RFC 9110 §10.2.3, in its delay-seconds form (Latchkey's); a date form is ignored. */
    private static Duration retryAfter(JsonHttp.Answer answer) {
        Optional<String> value = answer.header("Retry-After");
        if (value.isEmpty()) {
            return null;
        }
        try {
            long seconds = Long.parseLong(value.get().trim());
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
