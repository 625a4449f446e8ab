package io.latchkey.core.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SecretHasherTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void theSameSecretUnderTheSamePepperHashesTheSame() {
        SecretHasher hasher = new SecretHasher(pepper());

        assertThat(hasher.hash("s3cret")).isEqualTo(hasher.hash("s3cret"));
        assertThat(hasher.hash("s3cret")).isNotEqualTo(hasher.hash("s3cret!"));
    }

    @Test
    void twoHashersWithTheSamePepperAgree() {
        byte[] pepper = pepper();

        assertThat(new SecretHasher(pepper).hash("s3cret")).isEqualTo(new SecretHasher(pepper.clone()).hash("s3cret"));
    }

    @Test
    void aDifferentPepperGivesADifferentHash() {
        assertThat(new SecretHasher(pepper()).hash("s3cret")).isNotEqualTo(new SecretHasher(pepper()).hash("s3cret"));
    }

    @Test
    void theHashIsNotTheSecret() {
        SecretHasher hasher = new SecretHasher(pepper());

        assertThat(hasher.hash("s3cret")).doesNotContain("s3cret");
    }

    @Test
    void matchesTheRightSecretOnly() {
        SecretHasher hasher = new SecretHasher(pepper());
        String stored = hasher.hash("s3cret");

        assertThat(hasher.matches("s3cret", stored)).isTrue();
        assertThat(hasher.matches("s3creT", stored)).isFalse();
        assertThat(hasher.matches("", stored)).isFalse();
        assertThat(hasher.matches("s3cret", null)).isFalse();
    }

    @Test
    void aHashFromAnotherPepperDoesNotMatch() {
        String stored = new SecretHasher(pepper()).hash("s3cret");

        assertThat(new SecretHasher(pepper()).matches("s3cret", stored)).isFalse();
    }

    @Test
    void rejectsAPepperUnder256Bits() {
        assertThatThrownBy(() -> new SecretHasher(new byte[31])).isInstanceOf(IllegalArgumentException.class);
        assertThat(new SecretHasher(new byte[32]).hash("x")).isNotEmpty();
    }

    @Test
    void theCallersPepperArrayCanBeWipedWithoutChangingTheHasher() {
        byte[] pepper = pepper();
        SecretHasher hasher = new SecretHasher(pepper);
        String before = hasher.hash("s3cret");

        Arrays.fill(pepper, (byte) 0);

        assertThat(hasher.hash("s3cret")).isEqualTo(before);
    }

    private static byte[] pepper() {
        byte[] pepper = new byte[32];
        RANDOM.nextBytes(pepper);
        return pepper;
    }
}
