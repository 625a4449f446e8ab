package io.latchkey.core.client;

import java.util.regex.Pattern;

/**
 * A client identifier. Latchkey mints 128 random bits, base64url encoded; any presented id that
 * is not of RFC 6749's visible-character shape, or is absurdly long, cannot name a client.
 */
public record ClientId(String value) {
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9._~-]{1,128}");

    public ClientId {
        if (value == null || !SHAPE.matcher(value).matches()) {
            throw new IllegalArgumentException("not a client id");
        }
    }

    /** Whether {@code value} could be a client id at all. */
    public static boolean isWellFormed(String value) {
        return value != null && SHAPE.matcher(value).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
