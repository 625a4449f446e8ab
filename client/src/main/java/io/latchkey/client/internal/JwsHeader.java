package io.latchkey.client.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * The three JOSE header parameters an access-token check needs (RFC 7515 §4.1): {@code alg},
 * {@code kid} and {@code typ}. A header with {@code crit} is refused: this verifier understands
 * no extension, and §4.1.11 forbids accepting what it does not understand.
 */
record JwsHeader(String algorithm, String keyId, String type, boolean isAccessTokenType) {
    JwsHeader(String algorithm, String keyId, String type) {
        this(algorithm, keyId, type, isAccessTokenType(type));
    }

    /** RFC 9068 §2.1; RFC 7515 §4.1.9 lets the {@code application/} prefix be left out, and media types ignore case. */
    private static boolean isAccessTokenType(String type) {
        if (type == null) {
            return false;
        }
        String lower = type.toLowerCase(Locale.ROOT);
        return lower.equals("at+jwt") || lower.equals("application/at+jwt");
    }

    static JwsHeader parse(String segment) throws ParseException {
        Map<String, Object> json;
        try {
            json = JSONObjectUtils.parse(new String(Base64.getUrlDecoder().decode(segment), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new ParseException("the header is not base64url", 0);
        }
        if (json.containsKey("crit")) {
            throw new ParseException("critical header parameters are not supported", 0);
        }
        Object alg = json.get("alg");
        Object kid = json.get("kid");
        Object typ = json.get("typ");
        if (!(alg instanceof String) || (kid != null && !(kid instanceof String))
                || (typ != null && !(typ instanceof String))) {
            throw new ParseException("alg, kid and typ must be strings", 0);
        }
        return new JwsHeader((String) alg, (String) kid, (String) typ);
    }
}
