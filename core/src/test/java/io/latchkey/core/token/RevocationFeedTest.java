package io.latchkey.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.testing.SettableClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RevocationFeedTest {
    private final SettableClock clock = SettableClock.startingNow();
    private final RevocationFeed feed = new RevocationFeed(clock);

    private RevocationFeed.Entry token(String id, Duration lives) {
        return new RevocationFeed.Entry(RevocationFeed.Type.TOKEN, id, clock.instant().plus(lives).getEpochSecond());
    }

    @Test
    void untilTheFirstCatchUpEveryCursorNeedsTheWholeList() {
        assertThat(feed.after(0)).isEmpty();
        feed.caughtUp(10);
        assertThat(feed.after(9)).isEmpty();
        assertThat(feed.after(10)).hasValueSatisfying(page -> assertThat(page.entries()).isEmpty());
    }

    @Test
    void aCursorGetsOnlyTheEntriesLearntAfterIt() {
        feed.caughtUp(10);
        feed.learn(11, token("a", Duration.ofHours(1)));
        feed.learn(12, token("b", Duration.ofHours(1)));
        feed.caughtUp(13);

        assertThat(feed.after(11).orElseThrow().entries()).extracting(RevocationFeed.Entry::id).containsExactly("b");
        assertThat(feed.after(10).orElseThrow().entries()).extracting(RevocationFeed.Entry::id).containsExactly("a", "b");
        assertThat(feed.after(10).orElseThrow().cursor()).isEqualTo(13);
        assertThat(feed.after(20).orElseThrow().cursor()).isEqualTo(20); // another instance is ahead
    }

    @Test
    void anEntryWhoseTokensHaveExpiredIsNeitherAnsweredNorKept() {
        feed.caughtUp(0);
        feed.learn(1, token("a", Duration.ofMinutes(1)));
        feed.learn(2, token("b", Duration.ofHours(1)));
        feed.learn(3, token("late", Duration.ofSeconds(-1)));

        clock.advance(Duration.ofMinutes(2));

        assertThat(feed.after(0).orElseThrow().entries()).extracting(RevocationFeed.Entry::id).containsExactly("b");
        assertThat(feed.removeExpired()).isEqualTo(1);
        assertThat(feed.size()).isEqualTo(1);
    }

    @Test
    void aResetForgetsEverythingUntilTheNextCatchUpSetsTheFloor() {
        feed.caughtUp(5);
        feed.learn(6, token("a", Duration.ofHours(1)));
        feed.reset();
        assertThat(feed.size()).isZero();
        assertThat(feed.after(6)).isEmpty();
        feed.caughtUp(8);
        assertThat(feed.after(7)).isEmpty();
        assertThat(feed.after(8)).isPresent();
    }

    @Test
    void watchersHearOfNewsAndOfStaleness() {
        AtomicInteger heard = new AtomicInteger();
        Runnable watcher = heard::incrementAndGet;
        feed.watch(watcher);
        assertThat(feed.watching()).isEqualTo(1);

        feed.learn(1, token("a", Duration.ofHours(1)));
        feed.markStale();
        feed.unwatch(watcher);
        feed.learn(2, token("b", Duration.ofHours(1)));

        assertThat(heard.get()).isEqualTo(2);
        assertThat(feed.isStale()).isTrue();
        assertThat(feed.watching()).isZero();
    }
}
