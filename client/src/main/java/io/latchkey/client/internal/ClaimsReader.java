package io.latchkey.client.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JWT claims set straight from its decoded bytes — the hot path's JSON parser.
 *
 * <p>Why not {@code JSONObjectUtils.parse}: it costs about 3 µs a token (a Gson {@code TypeToken}
 * built per call, a {@code String} of the whole payload, a {@code LinkedTreeMap}, every number
 * through a {@code String}), three quarters of an HS256 verification. A claims set is a flat
 * object of strings, integers and string arrays; this reads exactly that in a fraction of the
 * time and answers {@code null} for anything else — a nested object, a fraction, a duplicate
 * key, trailing bytes — so the caller falls back to {@code JSONObjectUtils} and every document
 * still gets Nimbus's reading. What this accepts it reads as Nimbus does ({@code Long} for
 * integers, {@code List} for arrays); {@code ClaimsReaderTest} holds the two to the same answers.
 *
 * <p>It only ever sees payloads whose signature already verified, that is JSON the authorization
 * server wrote.
 */
final class ClaimsReader {
    /** Not a document this reader handles; the caller falls back to the general parser. */
    private static final class Unsupported extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Unsupported INSTANCE = new Unsupported();

        private Unsupported() {
            super(null, null, false, false);
        }
    }

    /**
     * The claim names Latchkey writes, returned as these very strings rather than new ones: no
     * allocation, and their hash codes are already computed for the map.
     */
    private static final String[] KNOWN_NAMES = {
        "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "client_id", "scope", "partner_id", "fid"
    };
    private static final byte[][] KNOWN_NAME_BYTES = new byte[KNOWN_NAMES.length][];

    static {
        for (int i = 0; i < KNOWN_NAMES.length; i++) {
            KNOWN_NAME_BYTES[i] = KNOWN_NAMES[i].getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final byte[] in;
    private int pos;

    private ClaimsReader(byte[] in) {
        this.in = in;
    }

    /** The claims of {@code json}, or {@code null} when it is outside what this reader handles. */
    static Map<String, Object> read(byte[] json) {
        try {
            return new ClaimsReader(json).document();
        } catch (Unsupported | ArrayIndexOutOfBoundsException e) {
            return null;
        }
    }

    private Map<String, Object> document() {
        skipWhitespace();
        expect('{');
        Map<String, Object> claims = new HashMap<>(32);
        skipWhitespace();
        if (in[pos] == '}') {
            pos++;
        } else {
            while (true) {
                skipWhitespace();
                String name = name();
                skipWhitespace();
                expect(':');
                skipWhitespace();
                Object value = value();
                if (claims.containsKey(name)) {
                    throw Unsupported.INSTANCE; // RFC 7519 §4: a duplicate is to be rejected; Nimbus will
                }
                claims.put(name, value);
                skipWhitespace();
                byte next = in[pos++];
                if (next == '}') {
                    break;
                }
                if (next != ',') {
                    throw Unsupported.INSTANCE;
                }
            }
        }
        skipWhitespace();
        if (pos != in.length) {
            throw Unsupported.INSTANCE;
        }
        return claims;
    }

    private Object value() {
        byte first = in[pos];
        if (first == '"') {
            return string();
        }
        if (first == '-' || (first >= '0' && first <= '9')) {
            return integer();
        }
        if (first == '[') {
            return stringArray();
        }
        if (literal("true")) {
            return Boolean.TRUE;
        }
        if (literal("false")) {
            return Boolean.FALSE;
        }
        if (literal("null")) {
            return null;
        }
        throw Unsupported.INSTANCE;
    }

    /** A claim name: one of {@link #KNOWN_NAMES} when it is, else read as any string. */
    private String name() {
        int start = pos + 1;
        int end = start;
        while (end < in.length && in[end] != '"' && in[end] != '\\') {
            end++;
        }
        if (end < in.length && in[end] == '"') {
            int length = end - start;
            for (int i = 0; i < KNOWN_NAMES.length; i++) {
                byte[] known = KNOWN_NAME_BYTES[i];
                if (known.length == length && java.util.Arrays.equals(in, start, end, known, 0, length)) {
                    pos = end + 1;
                    return KNOWN_NAMES[i];
                }
            }
        }
        return string();
    }

    private String string() {
        expect('"');
        int start = pos;
        while (true) {
            byte b = in[pos];
            if (b == '"') {
                pos++;
                return new String(in, start, pos - 1 - start, StandardCharsets.UTF_8);
            }
            if (b == '\\') {
                return escapedString(start);
            }
            if (b >= 0 && b < 0x20) {
                throw Unsupported.INSTANCE; // a raw control character: not JSON (RFC 8259 §7)
            }
            pos++;
        }
    }

    /** The rest of a string that has escapes (RFC 8259 §7); rare in claims, so simply done. */
    private String escapedString(int start) {
        StringBuilder text = new StringBuilder(new String(in, start, pos - start, StandardCharsets.UTF_8));
        int run = pos;
        while (true) {
            byte b = in[pos];
            if (b == '"' || b == '\\') {
                text.append(new String(in, run, pos - run, StandardCharsets.UTF_8));
                pos++;
                if (b == '"') {
                    return text.toString();
                }
                byte escape = in[pos++];
                switch (escape) {
                    case '"', '\\', '/' -> text.append((char) escape);
                    case 'b' -> text.append('\b');
                    case 'f' -> text.append('\f');
                    case 'n' -> text.append('\n');
                    case 'r' -> text.append('\r');
                    case 't' -> text.append('\t');
                    case 'u' -> {
                        text.append((char) Integer.parseInt(hex4(), 16));
                    }
                    default -> throw Unsupported.INSTANCE;
                }
                run = pos;
            } else if (b >= 0 && b < 0x20) {
                throw Unsupported.INSTANCE;
            } else {
                pos++;
            }
        }
    }

    private String hex4() {
        for (int i = 0; i < 4; i++) {
            byte b = in[pos + i];
            boolean hex = (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
            if (!hex) {
                throw Unsupported.INSTANCE;
            }
        }
        pos += 4;
        return new String(in, pos - 4, 4, StandardCharsets.US_ASCII);
    }

    /** An integer of at most 18 digits (it fits a long); fractions, exponents, "-0" and more are for Nimbus. */
    private Long integer() {
        boolean negative = in[pos] == '-';
        if (negative) {
            pos++;
        }
        int start = pos;
        long value = 0;
        while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
            value = value * 10 + (in[pos] - '0');
            pos++;
        }
        int digits = pos - start;
        if (digits == 0 || digits > 18 || (in[start] == '0' && (digits > 1 || negative))) {
            throw Unsupported.INSTANCE;
        }
        if (pos < in.length && (in[pos] == '.' || in[pos] == 'e' || in[pos] == 'E')) {
            throw Unsupported.INSTANCE;
        }
        return negative ? -value : value;
    }

    private List<String> stringArray() {
        expect('[');
        List<String> values = new ArrayList<>(4);
        skipWhitespace();
        if (in[pos] == ']') {
            pos++;
            return values;
        }
        while (true) {
            skipWhitespace();
            values.add(string());
            skipWhitespace();
            byte next = in[pos++];
            if (next == ']') {
                return values;
            }
            if (next != ',') {
                throw Unsupported.INSTANCE;
            }
        }
    }

    private boolean literal(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (in[pos + i] != word.charAt(i)) {
                return false;
            }
        }
        pos += word.length();
        return true;
    }

    private void expect(char c) {
        if (in[pos++] != c) {
            throw Unsupported.INSTANCE;
        }
    }

    private void skipWhitespace() {
        while (pos < in.length) {
            byte b = in[pos];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return;
            }
            pos++;
        }
    }
}
