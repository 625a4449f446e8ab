package io.latchkey.core.api;

import io.latchkey.core.error.LatchkeyException;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * An access-token lifetime as an API or a client states it: an ISO-8601 duration
 * ({@code PT5M}, {@code PT1H}, {@code P1D}) of whole seconds, positive, at most a year. The server
 * never issues an access token outliving its own access-token lifetime, whatever is set here.
 */
public final class TokenLifetime {
    static final Duration MAX = Duration.ofDays(365);

    private TokenLifetime() {
    }

    /** {@code text} as a lifetime, or {@code invalid_request} naming {@code field}. */
    public static Duration parse(String field, String text) {
        Duration ttl;
        try {
            ttl = Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw invalid(field);
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.getNano() != 0 || ttl.compareTo(MAX) > 0) {
            throw invalid(field);
        }
        return ttl;
    }

    private static LatchkeyException invalid(String field) {
        return LatchkeyException.invalidRequest(field + " must be a positive ISO-8601 duration of whole seconds,"
                + " at most a year, such as PT5M or PT1H.");
    }
}
