package io.latchkey.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The hot path's claims reader against Nimbus's {@code JSONObjectUtils}: whatever it reads, it
 * reads exactly as Nimbus does; whatever it does not, it leaves to Nimbus ({@code null}).
 */
class ClaimsReaderTest {

    private static Map<String, Object> read(String json) {
        return ClaimsReader.read(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aClaimsSetAsLatchkeyWritesItIsReadAsNimbusReadsIt() throws ParseException {
        String json = "{\"fid\":\"N17K48v0S5iAPSAXbPrn_A\",\"sub\":\"T0WX1awZRdK0mWg0lUmkdQ\","
                + "\"aud\":\"http://localhost:33131\",\"partner_id\":\"TestSystem\",\"iss\":\"http://localhost:33131\","
                + "\"exp\":1795806367,\"iat\":1795805767,\"jti\":\"Y2AlkdvXrJxHtJ9mL6tT_w\","
                + "\"client_id\":\"T0WX1awZRdK0mWg0lUmkdQ\",\"scope\":\"orders:read orders:write\"}";

        assertThat(read(json)).isEqualTo(JSONObjectUtils.parse(json)).containsEntry("exp", 1795806367L);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{}",
        " { \"a\" : \"b\" , \"n\" : -42 , \"z\" : 0 } ",
        "{\"aud\":[\"x\",\"y\"],\"empty\":[],\"t\":true,\"f\":false,\"nothing\":null}",
        "{\"esc\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\te\\u00e9\\u20AC\"}",
        "{\"unicode\":\"Müller 日本\",\"iss\":\"https://auth.example.com/tenant\"}",
        "{\"big\":999999999999999999,\"small\":-999999999999999999}",
        "{\"\\u0069ss\":\"escaped name\"}",
    })
    void documentsItReadsComeOutAsNimbusReadsThem(String json) throws ParseException {
        assertThat(read(json)).isNotNull().isEqualTo(JSONObjectUtils.parse(json));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"nested\":{\"a\":1}}",
        "{\"fraction\":1.5}",
        "{\"exponent\":1e9}",
        "{\"huge\":12345678901234567890}",
        "{\"minusZero\":-0}",
        "{\"leadingZero\":01}",
        "{\"mixed\":[\"a\",1]}",
        "{\"a\":\"1\",\"a\":\"2\"}",
        "{\"a\":\"1\"} trailing",
        "{'single':'quotes'}",
        "{unquoted:1}",
        "{\"a\":1,}",
        "[\"not an object\"]",
        "{\"raw\":\"tab\there\"}",
        "{\"a\":tru}",
        "{\"a\":\"unterminated}",
        "",
    })
    void documentsOutsideItsSubsetAreLeftToNimbus(String json) {
        assertThat(read(json)).isNull();
    }

    @Test
    void aDuplicateClaimIsRefusedByTheFallbackToo() {
        assertThatThrownBy(() -> JSONObjectUtils.parse("{\"a\":\"1\",\"a\":\"2\"}")).isInstanceOf(ParseException.class);
    }

    @Test
    void randomClaimsSetsWrittenByNimbusAreReadAsNimbusReadsThem() throws ParseException {
        Random random = new Random(20240607);
        String alphabet = "abcXYZ019 _-:/.\"\\\u00e9\u65e5\t\n";
        for (int round = 0; round < 2000; round++) {
            Map<String, Object> claims = new LinkedHashMap<>();
            int count = random.nextInt(12);
            for (int i = 0; i < count; i++) {
                String name = randomString(random, alphabet, 1 + random.nextInt(8));
                claims.put(name, switch (random.nextInt(5)) {
                    case 0 -> randomString(random, alphabet, random.nextInt(20));
                    case 1 -> random.nextLong() / (1L << random.nextInt(20));
                    case 2 -> random.nextBoolean();
                    case 3 -> {
                        List<String> values = new ArrayList<>();
                        for (int j = random.nextInt(4); j > 0; j--) {
                            values.add(randomString(random, alphabet, random.nextInt(6)));
                        }
                        yield values;
                    }
                    default -> Map.of("nested", 1);
                });
            }
            String json = JSONObjectUtils.toJSONString(claims);
            Map<String, Object> fast = read(json);
            if (fast != null) {
                assertThat(fast).as(json).isEqualTo(JSONObjectUtils.parse(json));
            }
        }
    }

    private static String randomString(Random random, String alphabet, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }
}
