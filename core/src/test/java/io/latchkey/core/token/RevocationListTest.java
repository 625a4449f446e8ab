package io.latchkey.core.token;

import io.latchkey.testing.SettableClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.secret.SecretGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RevocationListTest {
    private static final Duration ACCESS_TTL = Duration.ofHours(1);
    private static final Duration REFRESH_TTL = Duration.ofDays(30);
    private final SettableClock clock = SettableClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final MemoryRevocationStore store = new MemoryRevocationStore();
    private final TokenSettings settings = new TokenSettings("https://issuer.test", List.of("api"), ACCESS_TTL,
            REFRESH_TTL);
    private final RevocationList list = new RevocationList(store, settings, clock);
    private final SecretGenerator ids = new SecretGenerator(new SecureRandom());

    @Test
    void aRevokedAccessTokenIsRememberedUntilItsExpThenForgotten() {
        String jti = ids.timeOrderedId(clock.instant());
        list.revokeAccessToken(jti, "client", clock.instant().plus(Duration.ofMinutes(10)));
        assertThat(list.isAccessTokenRevoked(jti)).isTrue();

        clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        list.purgeExpired(false);
        assertThat(list.isAccessTokenRevoked(jti)).isTrue();

        clock.advance(Duration.ofSeconds(1));
        list.purgeExpired(false);
        assertThat(list.isAccessTokenRevoked(jti)).isFalse();
        assertThat(list.remembered()).isZero();
    }

    @Test
    void aRevokedFamilyIsRememberedWhileItsAccessTokensLiveAndKeptInTheStoreForItsRefreshTokens() {
        String family = ids.id();
        assertThat(list.revokeFamily(family, "client")).isTrue();
        assertThat(list.revokeFamily(family, "client")).isFalse();

        clock.advance(ACCESS_TTL.plus(RevocationList.FAMILY_MARGIN).minusSeconds(1));
        list.purgeExpired(true);
        assertThat(list.isFamilyRevoked(family)).isTrue();

        clock.advance(Duration.ofSeconds(1));
        list.purgeExpired(true);
        assertThat(list.isFamilyRevoked(family)).isFalse();
        assertThat(list.remembered()).isZero();
        assertThat(store.isRefreshTokenSpent(ids.timeOrderedId(clock.instant()), family)).isTrue();

        clock.advance(REFRESH_TTL);
        list.purgeExpired(true);
        assertThat(store.isFamilyRevoked(family)).isFalse(); // every token of the family has expired
    }

    @Test
    void aFamilyLearntFromTheChangeLogIsRememberedForTheAccessTokenLifetimeAfterItsRevocationOnly() {
        String family = ids.id();
        Instant revokedAt = clock.instant();
        clock.advance(Duration.ofMinutes(30)); // however late this instance learns of it
        list.rememberFamily(family, revokedAt.plus(REFRESH_TTL));

        clock.advance(ACCESS_TTL.plus(RevocationList.FAMILY_MARGIN).minusMinutes(30).minusSeconds(1));
        list.purgeExpired(false);
        assertThat(list.isFamilyRevoked(family)).isTrue();

        clock.advance(Duration.ofSeconds(1));
        list.purgeExpired(false);
        assertThat(list.isFamilyRevoked(family)).isFalse();
    }

    @Test
    void aRevocationLearntOnlyOnceItsTokensHaveExpiredIsNotRemembered() {
        Instant revokedAt = clock.instant();
        clock.advance(ACCESS_TTL.plus(RevocationList.FAMILY_MARGIN));

        list.rememberAccessToken(ids.timeOrderedId(revokedAt), revokedAt.plus(ACCESS_TTL));
        list.rememberFamily(ids.id(), revokedAt.plus(REFRESH_TTL));

        assertThat(list.remembered()).isZero();
    }

    @Test
    void loadingReadsTheUnexpiredAccessTokensAndTheFamiliesWhoseAccessTokensMayLive() {
        String oldFamily = ids.id();
        String recentFamily = ids.id();
        String liveToken = ids.timeOrderedId(clock.instant());
        String expiredToken = ids.timeOrderedId(clock.instant());
        Instant now = clock.instant();
        store.revokeFamily(oldFamily, "client", now.minus(ACCESS_TTL).minus(RevocationList.FAMILY_MARGIN),
                now.plus(REFRESH_TTL));
        store.revokeFamily(recentFamily, "client", now.minusSeconds(60), now.plus(REFRESH_TTL));
        store.revokeAccessToken(liveToken, "client", now.plusSeconds(1));
        store.revokeAccessToken(expiredToken, "client", now);

        list.load();

        assertThat(list.isFamilyRevoked(recentFamily)).isTrue();
        assertThat(list.isFamilyRevoked(oldFamily)).isFalse();
        assertThat(list.isAccessTokenRevoked(liveToken)).isTrue();
        assertThat(list.isAccessTokenRevoked(expiredToken)).isFalse();
        assertThat(list.remembered()).isEqualTo(2);
    }

    @Test
    void whileStaleALookupThatMissesInMemoryAsksTheStoreUntilTheNextLoad() {
        String revokedElsewhere = ids.timeOrderedId(clock.instant());
        store.revokedElsewhere(revokedElsewhere, clock.instant().plusSeconds(60));
        assertThat(list.isAccessTokenRevoked(revokedElsewhere)).isFalse();
        assertThat(store.reads).isZero();

        list.markStale();
        assertThat(list.isAccessTokenRevoked(revokedElsewhere)).isTrue();
        assertThat(list.isFamilyRevoked(ids.id())).isFalse();
        assertThat(store.reads).isEqualTo(2);

        list.load();
        assertThat(list.isAccessTokenRevoked(revokedElsewhere)).isTrue();
        assertThat(list.isAccessTokenRevoked(ids.timeOrderedId(clock.instant()))).isFalse();
        assertThat(store.reads).isEqualTo(2); // from memory again
    }
}
