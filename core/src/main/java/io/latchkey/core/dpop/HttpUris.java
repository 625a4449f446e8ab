package io.latchkey.core.dpop;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * RFC 9449 §4.3 item 9: a proof's {@code htu} is compared with the request's URI "ignoring any
 * query and fragment parts", after syntax- and scheme-based normalisation (RFC 3986 §6.2.2 and
 * §6.2.3): scheme and host in lower case, the default port dropped, an empty path made {@code /},
 * percent-escapes in upper case and unreserved characters unescaped, dot segments removed.
 */
final class HttpUris {
    private HttpUris() {
    }

    /** The normal form of an absolute {@code http} or {@code https} URI, or null for anything else. */
    static String normalise(String uri) {
        if (uri == null || uri.isEmpty()) {
            return null;
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = parsed.getScheme();
        String host = parsed.getHost();
        if (scheme == null || host == null || parsed.getRawUserInfo() != null) {
            return null;
        }
        scheme = scheme.toLowerCase(Locale.ROOT);
        int defaultPort = switch (scheme) {
            case "http" -> 80;
            case "https" -> 443;
            default -> -1;
        };
        if (defaultPort < 0) {
            return null;
        }
        int port = parsed.getPort();
        String path = parsed.getRawPath() == null || parsed.getRawPath().isEmpty() ? "/" : parsed.getRawPath();
        String normalPath = percentEscapes(path);
        if (normalPath == null) {
            return null;
        }
        try {
            normalPath = new URI(null, null, normalPath, null).normalize().getRawPath();
        } catch (URISyntaxException e) {
            return null;
        }
        StringBuilder out = new StringBuilder(uri.length()).append(scheme).append("://")
                .append(host.toLowerCase(Locale.ROOT));
        if (port >= 0 && port != defaultPort) {
            out.append(':').append(port);
        }
        return out.append(normalPath.startsWith("/") ? normalPath : "/" + normalPath).toString();
    }

    /** RFC 3986 §6.2.2.1 and §6.2.2.2: upper-case escapes, unreserved characters unescaped; null if malformed. */
    private static String percentEscapes(String path) {
        if (path.indexOf('%') < 0) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i + 2 >= path.length()) {
                return null;
            }
            int hi = Character.digit(path.charAt(i + 1), 16);
            int lo = Character.digit(path.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            char decoded = (char) (hi * 16 + lo);
            if (isUnreserved(decoded)) {
                out.append(decoded);
            } else {
                out.append('%').append(Character.toUpperCase(path.charAt(i + 1)))
                        .append(Character.toUpperCase(path.charAt(i + 2)));
            }
            i += 2;
        }
        return out.toString();
    }

    private static boolean isUnreserved(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
