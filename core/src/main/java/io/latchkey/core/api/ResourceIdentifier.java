package io.latchkey.core.api;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * RFC 8707 §2: a resource indicator is an absolute URI (RFC 3986 §4.3) and must not carry a
 * fragment. Kept as the text given, compared exactly, since it is what {@code aud} repeats and
 * what a protected API compares its own name with.
 */
public record ResourceIdentifier(String value) {
    static final int MAX_LENGTH = 512;

    public ResourceIdentifier {
        if (!isValid(value)) {
            throw LatchkeyException.invalidRequest(
                    "identifier must be an absolute URI without a fragment (RFC 8707 §2), at most " + MAX_LENGTH
                            + " characters, such as https://orders.example.com/.");
        }
    }

    /** The indicator a token request names, or {@code invalid_target} when it cannot be one. */
    public static ResourceIdentifier requested(String value) {
        if (!isValid(value)) {
            throw new LatchkeyException(ErrorCode.INVALID_TARGET,
                    "The resource must be an absolute URI without a fragment (RFC 8707 §2).");
        }
        return new ResourceIdentifier(value);
    }

    static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        try {
            URI uri = new URI(value);
            return uri.isAbsolute() && uri.getRawFragment() == null && value.indexOf('#') < 0;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
