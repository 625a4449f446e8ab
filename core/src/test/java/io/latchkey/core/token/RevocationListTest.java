package io.latchkey.core.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RevocationListTest {
    private final SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private final MemoryRevocationStore store = new MemoryRevocationStore();
    private final RevocationList revocations = new RevocationList(store, clock);

    @Test
    void aRevocationIsInForceInMemoryAndInTheStoreOnceItReturns() {
        Instant expiry = clock.instant().plus(Duration.ofHours(1));

        revocations.revokeFamily("family-1", "client-1", expiry);
        revocations.revokeAccessToken("jti-1", "client-1", expiry);

        assertThat(revocations.isFamilyRevoked("family-1")).isTrue();
        assertThat(revocations.isAccessTokenRevoked("jti-1")).isTrue();
        assertThat(store.revokedFamilies(clock.instant())).containsEntry("family-1", expiry);
        assertThat(store.revokedAccessTokens(clock.instant())).containsEntry("jti-1", expiry);
        assertThat(revocations.isFamilyRevoked("family-2")).isFalse();
        assertThat(revocations.isAccessTokenRevoked("jti-2")).isFalse();
    }

    @Test
    void aRevocationTheStoreDidNotTakeIsNotInForce() {
        store.down(true);
        Instant expiry = clock.instant().plus(Duration.ofHours(1));

        assertThatThrownBy(() -> revocations.revokeFamily("family-1", "client-1", expiry))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> revocations.revokeAccessToken("jti-1", "client-1", expiry))
                .isInstanceOf(IllegalStateException.class);

        // In force in memory but not durable, it would vanish at the next restart.
        assertThat(revocations.isFamilyRevoked("family-1")).isFalse();
        assertThat(revocations.isAccessTokenRevoked("jti-1")).isFalse();
    }

    @Test
    void loadingAtStartUpBringsBackOnlyTheRevocationsStillInForce() {
        store.revokeFamily("expired-family", "client-1", clock.instant(), clock.instant());
        store.revokeFamily("family", "client-1", clock.instant(), clock.instant().plusSeconds(1));
        store.revokeAccessToken("expired-jti", "client-1", clock.instant().minusSeconds(1));
        store.revokeAccessToken("jti", "client-1", clock.instant().plusSeconds(1));

        revocations.load();

        assertThat(revocations.isFamilyRevoked("family")).isTrue();
        assertThat(revocations.isAccessTokenRevoked("jti")).isTrue();
        assertThat(revocations.isFamilyRevoked("expired-family")).isFalse();
        assertThat(revocations.isAccessTokenRevoked("expired-jti")).isFalse();
    }

    @Test
    void aRevocationIsForgottenOnlyOnceTheTokensItCoversHaveExpired() {
        Instant expiry = clock.instant().plus(Duration.ofHours(1));
        revocations.revokeFamily("family-1", "client-1", expiry);
        revocations.revokeAccessToken("jti-1", "client-1", expiry);

        clock.advance(Duration.ofHours(1).minusMillis(1));
        assertThat(revocations.purgeExpired(true)).isZero();
        assertThat(revocations.isFamilyRevoked("family-1")).isTrue();
        assertThat(revocations.isAccessTokenRevoked("jti-1")).isTrue();

        clock.advance(Duration.ofMillis(1));
        assertThat(revocations.purgeExpired(true)).isEqualTo(2);
        assertThat(revocations.isFamilyRevoked("family-1")).isFalse();
        assertThat(revocations.isAccessTokenRevoked("jti-1")).isFalse();
        assertThat(store.revokedFamilies(Instant.EPOCH)).isEmpty();
        assertThat(store.revokedAccessTokens(Instant.EPOCH)).isEmpty();
    }

    @Test
    void purgingOnlyInMemoryLeavesTheStoreToTheInstanceThatPurgesIt() {
        Instant expiry = clock.instant().plus(Duration.ofHours(1));
        revocations.revokeFamily("family-1", "client-1", expiry);
        clock.advance(Duration.ofHours(2));

        assertThat(revocations.purgeExpired(false)).isZero();

        assertThat(revocations.isFamilyRevoked("family-1")).isFalse();
        assertThat(store.revokedFamilies(Instant.EPOCH)).containsKey("family-1");
    }

    @Test
    void aRevocationLearntFromAnotherInstanceIsInForceWithoutWritingTheStore() {
        Instant expiry = clock.instant().plus(Duration.ofHours(1));

        revocations.rememberFamily("family-1", expiry);
        revocations.rememberAccessToken("jti-1", expiry);

        assertThat(revocations.isFamilyRevoked("family-1")).isTrue();
        assertThat(revocations.isAccessTokenRevoked("jti-1")).isTrue();
        assertThat(store.revokedFamilies(Instant.EPOCH)).isEmpty();
        assertThat(store.revokedAccessTokens(Instant.EPOCH)).isEmpty();

        clock.advance(Duration.ofHours(1));
        revocations.purgeExpired(false);
        assertThat(revocations.isFamilyRevoked("family-1")).isFalse();
        assertThat(revocations.isAccessTokenRevoked("jti-1")).isFalse();
    }
}
