package io.latchkey.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 7515 §7.1: only the one canonical spelling of a compact JWS gets as far as parsing. */
class CanonicalCompactTest {
    /** {"alg":"HS256"} . {"sub":"x"} . 32 bytes of signature, as base64url writes them. */
    private static final String CANONICAL = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmUtMTI";

    @Test
    void theCanonicalSpellingPasses() {
        assertThat(TokenVerifier.isCanonicalCompact(CANONICAL)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        " " + CANONICAL,
        CANONICAL + " ",
        CANONICAL + "==",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0!dXJlLXNpZ25hdHVyZS1zaWduYXR1cmUtMTI",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0\ndXJlLXNpZ25hdHVyZS1zaWduYXR1cmUtMTI",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0+XJlLXNpZ25hdHVyZS1zaWduYXR1cmUtMTI",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmUtMTJ",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmUtMTIx1",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0",
        "eyJhbGciOiJIUzI1NiJ9..c2ln",
        CANONICAL + ".c2ln",
        "a.b.c.d.e"})
    void anyOtherSpellingIsRefusedBeforeParsing(String token) {
        assertThat(TokenVerifier.isCanonicalCompact(token)).isFalse();
    }

    /**
     * The check reads the segments in place; its definition is that decoding a segment and
     * encoding it again gives it back. Both agree on a million random spellings, weighted towards
     * the hard cases (short segments, every alphabet character in the last place, stray dots).
     */
    @Test
    void agreesWithDecodingAndEncodingAgain() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        String others = "=+/ .!\n\u00e9";
        Random random = new Random(20261128);
        int canonical = 0;
        for (int n = 0; n < 1_000_000; n++) {
            StringBuilder token = new StringBuilder();
            int segments = random.nextInt(5) == 0 ? 1 + random.nextInt(4) : 3;
            for (int segment = 0; segment < segments; segment++) {
                if (segment > 0) {
                    token.append('.');
                }
                int length = random.nextInt(9);
                for (int i = 0; i < length; i++) {
                    boolean other = random.nextInt(50) == 0;
                    token.append(other ? others.charAt(random.nextInt(others.length()))
                            : alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            String spelling = token.toString();
            boolean expected = decodesAndEncodesBack(spelling);
            canonical += expected ? 1 : 0;
            assertThat(TokenVerifier.isCanonicalCompact(spelling)).as(spelling).isEqualTo(expected);
        }
        assertThat(canonical).as("canonical spellings among them").isGreaterThan(10_000);
    }

    private static boolean decodesAndEncodesBack(String token) {
        String[] segments = token.split("\\.", -1);
        if (segments.length != 3) {
            return false;
        }
        for (String segment : segments) {
            if (segment.isEmpty() || !segment.chars().allMatch(c -> c < 128
                    && "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".indexOf(c) >= 0)) {
                return false;
            }
            try {
                if (!Base64.getUrlEncoder().withoutPadding().encodeToString(Base64.getUrlDecoder().decode(segment))
                        .equals(segment)) {
                    return false;
                }
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return true;
    }
}
