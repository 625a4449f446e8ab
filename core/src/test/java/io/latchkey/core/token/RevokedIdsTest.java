package io.latchkey.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.secret.SecretGenerator;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RevokedIdsTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private final SecretGenerator ids = new SecretGenerator(new SecureRandom());

    @Test
    void aMintedIdIsKeyedByItsOwn128RandomBits() {
        String familyId = ids.id();
        String jti = ids.timeOrderedId(NOW);
        ByteBuffer family = ByteBuffer.wrap(Base64.getUrlDecoder().decode(familyId));
        ByteBuffer token = ByteBuffer.wrap(Base64.getUrlDecoder().decode(jti.substring(10)));

        assertThat(RevokedIds.high(familyId)).isEqualTo(family.getLong());
        assertThat(RevokedIds.low(familyId)).isEqualTo(family.getLong());
        assertThat(RevokedIds.high(jti)).isEqualTo(token.getLong());
        assertThat(RevokedIds.low(jti)).isEqualTo(token.getLong());
    }

    @Test
    void idsOfAnyOtherShapeAreKeyedByTheirDigestAndNeverCollideWithEachOther() {
        RevokedIds set = new RevokedIds();
        set.add("fam-1", NOW);
        set.add("jti with spaces and ünïcode", NOW);
        set.add("AAAAAAAAAAAAAAAAAAAAAB", NOW); // 22 characters, but not an encoding of 16 bytes

        assertThat(set.contains("fam-1")).isTrue();
        assertThat(set.contains("fam-2")).isFalse();
        assertThat(set.contains("jti with spaces and ünïcode")).isTrue();
        assertThat(set.contains("AAAAAAAAAAAAAAAAAAAAAB")).isTrue();
        assertThat(set.contains("AAAAAAAAAAAAAAAAAAAAAA")).isFalse();
    }

    @Test
    void itHoldsWhatWasAddedAndNothingElseAsItGrows() {
        RevokedIds set = new RevokedIds();
        List<String> added = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            String jti = ids.timeOrderedId(NOW);
            added.add(jti);
            set.add(jti, NOW.plusSeconds(i));
        }

        assertThat(set.size()).isEqualTo(50_000);
        assertThat(added).allMatch(set::contains);
        for (int i = 0; i < 50_000; i++) {
            assertThat(set.contains(ids.timeOrderedId(NOW))).isFalse();
        }
        assertThat(set.footprintBytes()).isLessThanOrEqualTo(20L * 50_000 * 2 * 4 / 3 + 20L * RevokedIds.SEGMENTS * 64);
    }

    @Test
    void addingAgainKeepsTheLaterExpiry() {
        RevokedIds set = new RevokedIds();
        String id = ids.id();
        set.add(id, NOW.plusSeconds(60));
        set.add(id, NOW.plusSeconds(10));

        assertThat(set.size()).isEqualTo(1);
        assertThat(set.removeExpired(NOW.plusSeconds(30))).isZero();
        assertThat(set.removeExpired(NOW.plusSeconds(60))).isEqualTo(1);
        assertThat(set.contains(id)).isFalse();
    }

    @Test
    void purgingForgetsExactlyTheExpiredAndLeavesEveryOtherFindableThenShrinks() {
        // Up to three quarters full, linear probing makes long runs: backward-shift removal has work to do.
        Random random = new Random(7);
        RevokedIds set = new RevokedIds();
        Map<String, Instant> expected = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            String id = ids.id();
            Instant expiry = NOW.plusSeconds(1 + random.nextInt(100));
            set.add(id, expiry);
            expected.put(id, expiry);
        }
        long fullFootprint = set.footprintBytes();

        for (int second = 0; second <= 100; second += 7) {
            Instant now = NOW.plusSeconds(second);
            int before = set.size();
            int removed = set.removeExpired(now);
            expected.values().removeIf(expiry -> !expiry.isAfter(now));

            assertThat(before - removed).isEqualTo(expected.size()).isEqualTo(set.size());
            assertThat(expected.keySet()).allMatch(set::contains);
        }
        set.removeExpired(NOW.plusSeconds(101));

        assertThat(set.size()).isZero();
        assertThat(set.footprintBytes()).isLessThan(fullFootprint).isEqualTo(20L * RevokedIds.SEGMENTS * RevokedIds.MIN_CAPACITY);
    }

    @Test
    void expiriesAreWholeSecondsRoundedUp() {
        assertThat(RevokedIds.seconds(Instant.ofEpochSecond(100))).isEqualTo(100);
        assertThat(RevokedIds.seconds(Instant.ofEpochSecond(100, 1))).isEqualTo(101);
        assertThat(RevokedIds.seconds(Instant.EPOCH)).isEqualTo(1); // 0 marks an empty slot
        assertThat(Integer.toUnsignedLong(RevokedIds.seconds(Instant.parse("2100-01-01T00:00:00Z"))))
                .isEqualTo(Instant.parse("2100-01-01T00:00:00Z").getEpochSecond());
    }
}
