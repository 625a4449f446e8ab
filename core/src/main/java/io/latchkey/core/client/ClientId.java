package io.latchkey.core.client;

/**
 * A client identifier. Latchkey mints 128 random bits, base64url encoded; any presented id that
 * is not of RFC 6749's visible-character shape, or is absurdly long, cannot name a client.
 */
public record ClientId(String value) {
    private static final int MAX_LENGTH = 128;
    /**
     * The characters of {@code [A-Za-z0-9._~-]}, by code. A table rather than a regular
     * expression: every token request checks its client id more than once, and a matcher costs
     * as much as a twentieth of the whole request.
     */
    private static final boolean[] ALLOWED = new boolean[128];

    static {
        for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-".toCharArray()) {
            ALLOWED[c] = true;
        }
    }

    public ClientId {
        if (!isWellFormed(value)) {
            throw new IllegalArgumentException("not a client id");
        }
    }

    /** Whether {@code value} could be a client id at all: 1 to 128 of {@code [A-Za-z0-9._~-]}. */
    public static boolean isWellFormed(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= ALLOWED.length || !ALLOWED[c]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return value;
    }
}
