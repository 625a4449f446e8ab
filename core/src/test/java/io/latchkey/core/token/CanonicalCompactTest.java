package io.latchkey.core.token;

import static org.assertj.core.api.Assertions.assertThat;

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
}
