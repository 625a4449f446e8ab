package io.latchkey.core.client;

import io.latchkey.core.error.LatchkeyException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where a {@code private_key_jwt} client publishes its JWK set (RFC 7591 §2 {@code jwks_uri}):
 * an absolute {@code https} URL, or {@code http} on a loopback host (SPEC §7), with no user
 * info and no fragment. Which addresses its host may resolve to is the fetcher's concern.
 */
public record JwksUri(URI uri) {
    /** Longer than any URL a JWK set is served at. */
    public static final int MAX_LENGTH = 2048;

    public JwksUri {
        if (uri == null || !uri.isAbsolute() || uri.getHost() == null || uri.getRawUserInfo() != null
                || uri.getRawFragment() != null) {
            throw invalid();
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && isLoopbackName(uri.getHost()))) {
            throw invalid();
        }
    }

    /** The URL of a JSON text, checked. */
    public static JwksUri parse(String text) {
        if (text == null || text.isBlank() || text.length() > MAX_LENGTH) {
            throw invalid();
        }
        try {
            return new JwksUri(new URI(text));
        } catch (URISyntaxException e) {
            throw invalid();
        }
    }

    /** Whether plain {@code http} is allowed: the host names this machine (RFC 6761 §6.3, RFC 5735, RFC 4291). */
    public boolean loopback() {
        return isLoopbackName(uri.getHost());
    }

    /**
     * Loopback by its name alone, without resolving it: {@code localhost}, {@code 127.0.0.0/8} or
     * {@code [::1]}. A name that merely resolves to a loopback address does not count, so that
     * plain {@code http} is never allowed to a host whose address someone else decides.
     */
    static boolean isLoopbackName(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.equals("localhost") || name.equals("[::1]") || name.equals("::1")) {
            return true;
        }
        String[] parts = name.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return uri.toString();
    }

    private static LatchkeyException invalid() {
        return LatchkeyException.invalidRequest("jwksUri must be an absolute https URL of at most " + MAX_LENGTH
                + " characters without user info or fragment (http only on a loopback host: localhost, 127.0.0.1, [::1]).");
    }
}
