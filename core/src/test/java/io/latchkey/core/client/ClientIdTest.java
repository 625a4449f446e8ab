package io.latchkey.core.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.secret.SecretGenerator;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClientIdTest {
    @Test
    void acceptsUnreservedCharactersUpTo128() {
        for (String valid : new String[] {"a", "Az09._~-", "x".repeat(128), "3q2-7_wZgVbXyK1mNpQr0A"}) {
            assertThat(new ClientId(valid).value()).isEqualTo(valid);
            assertThat(ClientId.isWellFormed(valid)).isTrue();
        }
    }

    @Test
    void rejectsAnythingElse() {
        for (String invalid : Arrays.asList(null, "", " ", "a b", "a/b", "a:b", "a%20b", "ä", "x".repeat(129),
                "id\n", "a+b", "a=b", "\u007f", "\u00ff", "'; DROP TABLE clients; --")) {
            assertThat(ClientId.isWellFormed(invalid)).as(String.valueOf(invalid)).isFalse();
            assertThatThrownBy(() -> new ClientId(invalid)).as(String.valueOf(invalid))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void mintedIdsAre128RandomBitsInBase64url() {
        SecretGenerator generator = new SecretGenerator(new SecureRandom());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = generator.id();
            assertThat(id).matches("[A-Za-z0-9_-]{22}"); // 16 bytes, base64url, unpadded
            assertThat(ClientId.isWellFormed(id)).isTrue();
            seen.add(id);
        }
        assertThat(seen).hasSize(1000);
    }

    @Test
    void printsAsItsValue() {
        assertThat(new ClientId("abc")).hasToString("abc");
    }
}
