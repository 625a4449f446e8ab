package io.latchkey.core.client;

import io.latchkey.core.error.LatchkeyException;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * How long a client secret works once issued (SPEC §10 {@code secretTtl}): an ISO-8601 duration
 * of whole seconds ({@code P90D}, {@code PT12H}), positive, at most ten years.
 */
public final class SecretLifetime {
    static final Duration MAX = Duration.ofDays(3650);

    private SecretLifetime() {
    }

    /** {@code text} as a secret lifetime, or {@code invalid_request} naming {@code field}. */
    public static Duration parse(String field, String text) {
        Duration ttl;
        try {
            ttl = Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw invalid(field);
        }
        if (!isValid(ttl)) {
            throw invalid(field);
        }
        return ttl;
    }

    /** Whether {@code ttl} is a lifetime a secret may have. */
    public static boolean isValid(Duration ttl) {
        return !ttl.isNegative() && !ttl.isZero() && ttl.getNano() == 0 && ttl.compareTo(MAX) <= 0;
    }

    private static LatchkeyException invalid(String field) {
        return LatchkeyException.invalidRequest(field + " must be a positive ISO-8601 duration of whole seconds,"
                + " at most ten years, such as P90D.");
    }
}
