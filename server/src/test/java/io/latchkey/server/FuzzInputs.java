package io.latchkey.server;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * The generators of {@link RequestFuzzTest}, each a function of a seeded {@link Random}: request
 * bodies, header values, methods and paths that are mostly nearly right — the real field names,
 * real credentials, real grant types — and wrong in some way: types, nesting, numbers,
 * encodings, duplicates, bytes that are not UTF-8.
 *
 * <p>{@code real} holds genuine values of the running server (the admin key, a client's id and
 * secret, tokens), so that generated requests get past authentication often enough to reach the
 * parsers and flows behind it.
 */
final class FuzzInputs {
    static final List<String> FIELD_NAMES = List.of("partnerId", "executionType", "apikey", "username", "password",
            "grant_type", "refresh_token", "clientId", "scope", "scopes", "name", "client_id", "client_secret",
            "token", "token_type_hint", "graceSeconds", "code", "__proto__", "");
    static final List<String> KEYWORDS = List.of("create", "delete", "client_credentials", "refresh_token",
            "authorization_code", "password", "access_token", "orders:read", "orders:read orders:write", "TestSystem");
    static final List<String> ODD_STRINGS = List.of("", " ", "\u0000", "a\u0000b", "\ud800", "\udfff\ud800", "\uffff",
            "\ufeff", "\u202e", "💥", "null", "true", "0", "-1", "../../etc/passwd", "' OR 1=1 --", "%00", "%",
            "\\", "\"", "{}", "[]", "\t\r\n", "e\u0301", "ǅ", "Ⅻ");
    static final List<String> NUMBERS = List.of("0", "-0", "1", "-1", "1.5", "1e999999", "-1e-999999", "1E+2", "1e308",
            "123456789012345678901234567890", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
            "2147483648", "0.000000000000000000000000001", "1" + "0".repeat(40), "31536001", "86400", "NaN",
            "Infinity", "-", "01", "1.", ".5", "0x10");
    static final List<String> PATH_SEGMENTS = List.of("admin", "clients", "oauth2", "token", "introspect", "revoke",
            "pipeline", "jwks", ".well-known", "oauth-authorization-server", "health", "live", "ready", "secret",
            "api-keys", "keys", "rotate");
    static final List<String> ROUTES = List.of("/admin/clients/{}", "/admin/clients/{}/secret",
            "/admin/api-keys/{}", "/admin/clients?partnerId={}", "/pipeline/{}", "/oauth2/{}", "/health/{}");
    static final List<String> ODD_SEGMENTS = List.of("", ".", "..", "%2e%2e", "%2F", "%00", "%ff", "%", "%zz", ";x",
            "~", "%c0%af", "%u002e", "..;", "\\..\\", "a%20b", "*", "a%00b");
    static final List<String> BAD_PERCENT = List.of("%", "%G1", "%E2%82", "%00", "%FF", "%C0%AF", "%ED%A0%80", "%%",
            "%2");

    private final List<String> real;

    FuzzInputs(List<String> real) {
        this.real = List.copyOf(real);
    }

    // --- strings ------------------------------------------------------------------------------

    /** A string value: real, a keyword, an odd one, random of any plane, random printable, or long. */
    String string(Random random) {
        return switch (weighted(random, 4, 3, 3, 3, 3, 1)) {
            case 0 -> pick(random, real);
            case 1 -> pick(random, KEYWORDS);
            case 2 -> pick(random, ODD_STRINGS);
            case 3 -> anyChars(random, 0, 40);
            case 4 -> chars(random, 0, 40, ' ', '~');
            default -> chars(random, 100, 20_000, 'a', 'z');
        };
    }

    String fieldName(Random random) {
        return switch (weighted(random, 8, 1, 1)) {
            case 0 -> pick(random, FIELD_NAMES);
            case 1 -> anyChars(random, 0, 20);
            default -> pick(random, ODD_STRINGS);
        };
    }

    // --- JSON ---------------------------------------------------------------------------------

    /** A JSON number as text, including those no Java number type holds, and some that are not JSON. */
    static String number(Random random) {
        return switch (weighted(random, 3, 2, 1, 1)) {
            case 0 -> pick(random, NUMBERS);
            case 1 -> String.valueOf(random.nextLong());
            case 2 -> String.valueOf(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
            default -> new BigInteger(1 + random.nextInt(200), random).toString();
        };
    }

    /** Any JSON value as text, nested up to {@code depth}. */
    String jsonValue(Random random, int depth) {
        int kind = depth <= 0 ? weighted(random, 6, 2, 1) : weighted(random, 6, 2, 1, 1, 2);
        return switch (kind) {
            case 0 -> quote(string(random));
            case 1 -> number(random);
            case 2 -> pick(random, List.of("true", "false", "null"));
            case 3 -> {
                List<String> items = new ArrayList<>();
                for (int i = random.nextInt(5); i > 0; i--) {
                    items.add(jsonValue(random, depth - 1));
                }
                yield "[" + String.join(",", items) + "]";
            }
            default -> jsonObject(random, depth - 1);
        };
    }

    /** A JSON object whose keys are mostly the real field names, so duplicates come naturally. */
    String jsonObject(Random random, int depth) {
        List<String> members = new ArrayList<>();
        for (int i = random.nextInt(8); i > 0; i--) {
            members.add(quote(fieldName(random)) + ":" + jsonValue(random, depth));
        }
        return "{" + String.join(",", members) + "}";
    }

    /** Arrays or objects nested far deeper than the parser allows. */
    static String deepNesting(Random random) {
        int depth = 10 + random.nextInt(5_000);
        return random.nextBoolean()
                ? "[".repeat(depth) + "]".repeat(depth)
                : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    /** A body meant to be JSON: mostly objects, then any value, deep nesting, or noise; then maybe broken bytes. */
    byte[] jsonBody(Random random) {
        String text = switch (weighted(random, 12, 2, 1, 1)) {
            case 0 -> jsonObject(random, 3);
            case 1 -> jsonValue(random, 3);
            case 2 -> deepNesting(random);
            default -> anyChars(random, 0, 200);
        };
        return Damage.any(random).apply(text.getBytes(StandardCharsets.UTF_8), random);
    }

    // --- forms --------------------------------------------------------------------------------

    /** An {@code application/x-www-form-urlencoded} body: real and random pairs, encoded well, raw, or badly. */
    byte[] formBody(Random random) {
        List<String> pairs = new ArrayList<>();
        for (int i = random.nextInt(9); i > 0; i--) {
            String name = formEncode(random, fieldName(random));
            pairs.add(switch (random.nextInt(4)) {
                case 0 -> name;
                case 1 -> name + "=";
                default -> name + "=" + formEncode(random, string(random));
            });
        }
        String separator = pick(random, List.of("&", "&", "&", "&&", ";"));
        byte[] body = String.join(separator, pairs).getBytes(StandardCharsets.UTF_8);
        return Damage.any(random).apply(body, random);
    }

    /** A name or value written properly, raw, or with a broken percent-escape. */
    static String formEncode(Random random, String value) {
        return switch (weighted(random, 6, 2, 1)) {
            case 0 -> URLEncoder.encode(value, StandardCharsets.UTF_8);
            case 1 -> value;
            default -> URLEncoder.encode(value, StandardCharsets.UTF_8) + pick(random, BAD_PERCENT);
        };
    }

    // --- headers ------------------------------------------------------------------------------

    /** An {@code Authorization} header value: Basic of every malformed kind, as raw ISO-8859-1 text. */
    String basicHeader(Random random) {
        String scheme = pick(random, List.of("Basic ", "Basic ", "Basic ", "basic ", "BASIC ", "Basic", "Basic  ",
                "Basic\t", "Bearer ", "Digest ", ""));
        String idAndSecret = formEncode(random, string(random))
                + pick(random, List.of(":", ":", "", "::", "%3A")) + formEncode(random, string(random));
        String credentials = switch (weighted(random, 4, 2, 1, 1, 1, 1)) {
            case 0 -> base64(idAndSecret.getBytes(StandardCharsets.UTF_8));
            case 1 -> {
                byte[] bytes = new byte[random.nextInt(200)];
                random.nextBytes(bytes);
                yield base64(bytes);
            }
            case 2 -> base64(idAndSecret.getBytes(StandardCharsets.ISO_8859_1));
            case 3 -> latin1(random, 0, 300);
            case 4 -> chars(random, 0, 120, "ABCabc012+/=-_");
            default -> chars(random, 4_000, 9_000, 'A', 'Z');
        };
        return scheme + credentials;
    }

    /** Text of single bytes (0x20–0xFF and tab, but DEL), as a raw header value may carry; no CR or LF. */
    static String latin1(Random random, int min, int max) {
        StringBuilder text = new StringBuilder();
        for (int i = min + random.nextInt(max - min + 1); i > 0; i--) {
            int c = 0x20 + random.nextInt(0x100 - 0x20);
            text.append(c == 0x7f ? '\t' : (char) c);
        }
        return text.toString();
    }

    // --- methods and paths --------------------------------------------------------------------

    static String method(Random random) {
        return switch (weighted(random, 10, 1, 1)) {
            case 0 -> pick(random, List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE"));
            case 1 -> pick(random, List.of("CONNECT", "get", "PROPFIND", "M-SEARCH", "BREW"));
            default -> chars(random, 1, 12, 'A', 'Z');
        };
    }

    /** A request target: known segments, encoded and raw oddities, and a query; sometimes absolute or {@code *}. */
    String target(Random random) {
        if (random.nextInt(20) == 0) {
            return pick(random, List.of("*", "http://127.0.0.1/health/live", "http://evil.example/admin/clients",
                    "health/live", "//admin//clients", "/admin/clients/%2e%2e/%2e%2e/health/live"));
        }
        if (random.nextInt(3) == 0) {
            // A real route with an odd parameter: what reaches the handlers and the store.
            return pick(random, ROUTES).replace("{}", segment(random));
        }
        List<String> segments = new ArrayList<>();
        for (int i = 1 + random.nextInt(6); i > 0; i--) {
            segments.add(random.nextInt(2) == 0 ? pick(random, PATH_SEGMENTS) : segment(random));
        }
        String query = switch (weighted(random, 4, 1, 1)) {
            case 0 -> "";
            case 1 -> "?" + new String(formBody(random), StandardCharsets.ISO_8859_1).replaceAll("[\\s#]", "");
            default -> pick(random, List.of("?partnerId=TestSystem", "?partnerId=a&partnerId=b", "?partnerId=%zz",
                    "?", "??", "?&&="));
        };
        return "/" + String.join("/", segments) + pick(random, List.of("", "", "", "/", "//")) + query;
    }

    /** One path segment: real values, odd ones, random text percent-encoded, raw bytes, or very long. */
    private String segment(Random random) {
        return switch (weighted(random, 2, 3, 2, 1, 1)) {
            case 0 -> URLEncoder.encode(pick(random, real), StandardCharsets.UTF_8);
            case 1 -> pick(random, ODD_SEGMENTS);
            case 2 -> URLEncoder.encode(anyChars(random, 0, 20), StandardCharsets.UTF_8);
            case 3 -> latin1(random, 1, 20).replaceAll("[\\s?#]", "");
            default -> chars(random, 1_000, 9_000, 'a', 'z');
        };
    }

    // --- damage -------------------------------------------------------------------------------

    /** What may happen to a body's bytes on the way. */
    enum Damage {
        NONE, INVALID_UTF8, LONE_SURROGATE_BYTES, OVERLONG_SLASH, NUL, TRUNCATED, TRAILING_GARBAGE, BYTE_ORDER_MARK,
        LATIN1, OVER_THE_SIZE_LIMIT;

        /** Mostly none: two bodies in three arrive as generated. */
        static Damage any(Random random) {
            return random.nextInt(3) < 2 ? NONE : values()[1 + random.nextInt(values().length - 1)];
        }

        byte[] apply(byte[] body, Random random) {
            int at = random.nextInt(body.length + 1);
            return switch (this) {
                case NONE -> body;
                case INVALID_UTF8 -> insert(body, at, new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE});
                case LONE_SURROGATE_BYTES -> insert(body, at, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
                case OVERLONG_SLASH -> insert(body, at, new byte[] {(byte) 0xC0, (byte) 0xAF});
                case NUL -> insert(body, at, new byte[] {0});
                case TRUNCATED -> java.util.Arrays.copyOf(body, at);
                case TRAILING_GARBAGE -> insert(body, body.length, "}{\"a\":1}]".getBytes(StandardCharsets.UTF_8));
                case BYTE_ORDER_MARK -> insert(body, 0, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
                case LATIN1 -> new String(body, StandardCharsets.UTF_8).getBytes(StandardCharsets.ISO_8859_1);
                case OVER_THE_SIZE_LIMIT -> insert(body, at, " ".repeat(16 * 1024 + 1).getBytes(StandardCharsets.UTF_8));
            };
        }

        private static byte[] insert(byte[] body, int at, byte[] extra) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + extra.length);
            out.write(body, 0, at);
            out.writeBytes(extra);
            out.write(body, at, body.length - at);
            return out.toByteArray();
        }
    }

    // --- helpers ------------------------------------------------------------------------------

    /** An index from 0 to {@code weights.length - 1}, each as likely as its weight. */
    static int weighted(Random random, int... weights) {
        int total = 0;
        for (int weight : weights) {
            total += weight;
        }
        int roll = random.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            roll -= weights[i];
            if (roll < 0) {
                return i;
            }
        }
        throw new IllegalStateException();
    }

    static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** Characters of any plane, lone surrogates included. */
    static String anyChars(Random random, int min, int max) {
        StringBuilder text = new StringBuilder();
        for (int i = min + random.nextInt(max - min + 1); i > 0; i--) {
            text.append(switch (random.nextInt(4)) {
                case 0 -> (char) random.nextInt(0x80);
                case 1 -> (char) random.nextInt(0x800);
                case 2 -> (char) random.nextInt(0x10000);
                default -> new String(Character.toChars(0x10000 + random.nextInt(0x100000)));
            });
        }
        return text.toString();
    }

    static String chars(Random random, int min, int max, char from, char to) {
        StringBuilder text = new StringBuilder();
        for (int i = min + random.nextInt(max - min + 1); i > 0; i--) {
            text.append((char) (from + random.nextInt(to - from + 1)));
        }
        return text.toString();
    }

    static String chars(Random random, int min, int max, String alphabet) {
        StringBuilder text = new StringBuilder();
        for (int i = min + random.nextInt(max - min + 1); i > 0; i--) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    /** A JSON string literal; control characters and surrogates (even lone ones) as {@code \\u} escapes. */
    static String quote(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c)) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** Header name/value pairs without the absent ones (null values). */
    static List<String> headers(String... namesAndValues) {
        List<String> headers = new ArrayList<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                headers.add(namesAndValues[i]);
                headers.add(namesAndValues[i + 1]);
            }
        }
        return headers;
    }
}
