package io.latchkey.core.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretGeneratorTest {
    private static final Instant T = Instant.parse("2026-11-28T00:00:00.000Z");
    private final SecretGenerator generator = new SecretGenerator(new SecureRandom());

    @Test
    void timeOrderedIdsSortByTheirTimeToTheMillisecond() {
        List<String> ids = new ArrayList<>();
        for (long ms = 0; ms < 5000; ms += 1) {
            ids.add(generator.timeOrderedId(T.plusMillis(ms)));
        }
        ids.add(generator.timeOrderedId(Instant.parse("2100-01-01T00:00:00Z")));

        List<String> sorted = new ArrayList<>(ids);
        sorted.sort(String::compareTo); // bytewise, as SQLite's BINARY and PostgreSQL's "C" collation
        assertThat(sorted).containsExactlyElementsOf(ids);
    }

    @Test
    void theTimePrefixIsTheMillisecondsInBase32Hex() {
        String id = generator.timeOrderedId(T);

        String prefix = id.substring(0, SecretGenerator.TIME_CHARS);
        assertThat(prefix).matches("[0-9a-v]{10}");
        assertThat(Long.parseLong(prefix, 32)).isEqualTo(T.toEpochMilli()); // base32hex is radix 32
    }

    @Test
    void timeOrderedIdsKeepTheFull128RandomBitsOfAnId() {
        String id = generator.timeOrderedId(T);

        String random = id.substring(SecretGenerator.TIME_CHARS);
        assertThat(id).hasSize(SecretGenerator.TIME_CHARS + generator.id().length());
        assertThat(random).matches("[A-Za-z0-9_-]{22}");
        assertThat(Base64.getUrlDecoder().decode(random)).hasSize(16);
    }

    @Test
    void timeOrderedIdsOfTheSameMillisecondAreUniqueAndDifferInTheirRandomPart() {
        Set<String> ids = new HashSet<>();
        Set<String> randomParts = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            String id = generator.timeOrderedId(T);
            ids.add(id);
            randomParts.add(id.substring(SecretGenerator.TIME_CHARS));
        }

        assertThat(ids).hasSize(100_000);
        assertThat(randomParts).hasSize(100_000);
    }
}
