package io.latchkey.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feed hands on each change once, in order, and never counts one as applied that was not. */
class ChangeFeedTest {
    private static final Instant EXPIRY = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path tempDir;
    private SqliteDatabase database;
    private JdbcRevocationStore store;
    private final Recorder listener = new Recorder();
    private ChangeFeed feed;

    @BeforeEach
    void open() {
        database = SqliteDatabase.open(tempDir.resolve("x.db"));
        store = new JdbcRevocationStore(database);
        store.revokeAccessToken("before-start", "client", EXPIRY);
        ChangeLog log = new ChangeLog(database);
        feed = new ChangeFeed(log, listener, Duration.ofMillis(200), log.newest(), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        feed.close();
        database.close();
    }

    @Test
    void eachChangeAfterTheStartIsAppliedOnceInOrder() {
        store.revokeAccessToken("a", "client", EXPIRY);
        store.revokeFamily("f", "client", EXPIRY, EXPIRY);

        feed.poll();
        feed.poll();
        store.revokeAccessToken("b", "client", EXPIRY);
        feed.poll();

        assertThat(listener.events).containsExactly("change a", "change f", "change b");
        assertThat(feed.isHealthy()).isTrue();
    }

    @Test
    void aChangeWhoseListenerFailsIsNotCountedAsAppliedAndEverythingIsReloaded() {
        store.revokeAccessToken("a", "client", EXPIRY);
        store.revokeAccessToken("b", "client", EXPIRY);
        listener.failOn = "b";

        feed.poll();

        assertThat(listener.events).containsExactly("change a", "fail b", "stale");
        assertThat(feed.isHealthy()).isFalse();

        feed.poll(); // the reload may fail too: it is tried again at the next poll
        listener.failOn = null;
        store.revokeAccessToken("c", "client", EXPIRY);
        feed.poll();

        assertThat(listener.events).containsExactly("change a", "fail b", "stale", "fail resync", "stale", "resync");
        assertThat(feed.isHealthy()).isTrue();
        feed.poll();
        store.revokeAccessToken("d", "client", EXPIRY);
        feed.poll();
        assertThat(listener.events).endsWith("resync", "change d"); // c came with the reload
    }

    @Test
    void anUnreadableLogMakesTheCachesStaleAndItsReturnReloadsThem() throws Exception {
        database.transaction(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("ALTER TABLE change_log RENAME TO change_log_away");
            }
            return null;
        });
        feed.poll();
        assertThat(listener.events).containsExactly("stale");
        assertThat(feed.isHealthy()).isFalse();

        database.transaction(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("ALTER TABLE change_log_away RENAME TO change_log");
            }
            return null;
        });
        feed.poll();

        assertThat(listener.events).containsExactly("stale", "resync");
        assertThat(feed.isHealthy()).isTrue();
    }

    /** Records what it is told; throws on the change (or the resync) named {@link #failOn}. */
    private static final class Recorder implements ChangeFeed.Listener {
        final List<String> events = new ArrayList<>();
        volatile String failOn;

        @Override
        public void onChange(Change change) {
            if (change.subject().equals(failOn)) {
                events.add("fail " + change.subject());
                failOn = "resync";
                throw new IllegalStateException("reload failed");
            }
            events.add("change " + change.subject());
        }

        @Override
        public void onStale() {
            events.add("stale");
        }

        @Override
        public void onResync() {
            if ("resync".equals(failOn)) {
                events.add("fail resync");
                throw new IllegalStateException("reload failed again");
            }
            events.add("resync");
        }
    }
}
