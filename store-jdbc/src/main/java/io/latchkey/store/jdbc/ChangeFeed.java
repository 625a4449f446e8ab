package io.latchkey.store.jdbc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an instance's caches exact while other instances write to the same store: polls the
 * change log every {@code interval} and hands each new entry to a {@link Listener} once.
 *
 * <p>Why a time window and not "entries after the last id": entries commit out of order (a
 * transaction that started first may commit last), so the feed re-reads the whole last
 * {@code window} each time and remembers which entries it has already handled. An entry is
 * therefore seen as long as its transaction commits within the window of being written. Polling
 * alone, without {@code LISTEN/NOTIFY}, keeps the SQL portable to PostgreSQL-compatible
 * distributed databases; at the default 200 ms interval a change reaches every instance well
 * within a second.
 *
 * <p>When a poll fails (the database is unreachable), the instance can no longer know what
 * others change, so the listener is told to drop what it caches ({@link Listener#onStale()});
 * when polling resumes after a gap longer than the window may cover, it is told to reload
 * everything ({@link Listener#onResync()}).
 */
public final class ChangeFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);

    /** What an instance does with the changes it learns of. */
    public interface Listener {
        void onChange(Change change);

        /** Polling failed: cached state may be stale from now on. */
        void onStale();

        /** Polling resumed after a gap: reload everything cached. */
        void onResync();
    }

    private final ChangeLog log;
    private final Listener listener;
    private final Duration interval;
    private final Duration window;
    private final Clock wallClock;
    private final Map<String, Instant> handled = new HashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "latchkey-change-feed");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Instant lastSuccess;
    private boolean failing;

    public ChangeFeed(ChangeLog log, Listener listener, Duration interval, Duration window, Clock wallClock) {
        this.log = log;
        this.listener = listener;
        this.interval = interval;
        this.window = window;
        this.wallClock = wallClock;
        this.lastSuccess = wallClock.instant();
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::pollQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the last poll succeeded recently: the store is reachable and caches are current. */
    public boolean isHealthy() {
        return !failing && lastSuccess.isAfter(wallClock.instant().minus(interval.multipliedBy(10).plusSeconds(1)));
    }

    /** One poll; called by the scheduler, and by tests that want one now. */
    public synchronized void poll() {
        Instant now = wallClock.instant();
        Instant since = now.minus(window);
        boolean gap = failing || lastSuccess.isBefore(now.minus(window.dividedBy(2)));
        List<Change> changes;
        try {
            changes = log.since(since);
            if (gap) {
                LOG.info("Change log reachable again; reloading cached state");
                listener.onResync();
            }
        } catch (RuntimeException e) {
            if (!failing) {
                LOG.warn("Cannot read the change log; dropping cached state until it is back: {}", e.getMessage());
                failing = true;
            }
            listener.onStale();
            return;
        }
        failing = false;
        for (Change change : changes) {
            if (handled.putIfAbsent(change.id(), change.createdAt()) == null) {
                try {
                    listener.onChange(change);
                } catch (RuntimeException e) {
                    LOG.warn("Could not apply change {} {}: {}", change.kind(), change.id(), e.getMessage());
                }
            }
        }
        handled.values().removeIf(createdAt -> createdAt.isBefore(since));
        lastSuccess = now;
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            LOG.warn("Change feed poll failed", e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
