package io.latchkey.store.jdbc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an instance's caches exact while other instances write to the same store: polls the
 * change log every {@code interval} and hands each entry after the last one applied to a
 * {@link Listener}, in the log's order.
 *
 * <p>The log's numbers have no gaps and commit in order ({@link ChangeLog}), so "the entries after
 * the last one applied" is exact, whatever the instances' clocks say. Polling alone, without
 * {@code LISTEN/NOTIFY}, keeps the SQL portable to PostgreSQL-compatible distributed databases; at
 * the default 200 ms interval a change reaches every instance well within a second.
 *
 * <p>An entry counts as applied only once its listener returned. When the log cannot be read, or
 * a listener throws (a reload that failed), the instance no longer knows what others changed: the
 * listener is told to drop everything it caches ({@link Listener#onStale()}) and, at the next poll
 * that reads the log, to reload everything ({@link Listener#onResync()}), which is retried until
 * it succeeds. It is also told to reload when it fell so far behind that entries it needs were
 * purged, or more than {@link ChangeLog#RETAINED} are new at once.
 */
public final class ChangeFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);

    /** What an instance does with the changes it learns of. */
    public interface Listener {
        void onChange(Change change);

        /** Changes may have been missed: drop (or stop trusting) everything cached. */
        void onStale();

        /** Reload everything cached from the store; throws if it could not. */
        void onResync();

        /** Every change up to {@code applied} is applied (after each poll that read the log). */
        default void onCaughtUp(long applied) {
        }
    }

    private final ChangeLog log;
    private final Listener listener;
    private final Duration interval;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "latchkey-change-feed");
        thread.setDaemon(true);
        return thread;
    });
    private long applied;
    private boolean resyncDue;
    private volatile boolean failing;
    private volatile Instant lastSuccess;

    /**
     * @param applied the newest entry whose change the caches already hold: {@link ChangeLog#newest()}
     *                read before they were loaded
     * @param clock   only for {@link #isHealthy()}: how long ago the last poll succeeded
     */
    public ChangeFeed(ChangeLog log, Listener listener, Duration interval, long applied, Clock clock) {
        this.log = log;
        this.listener = listener;
        this.interval = interval;
        this.applied = applied;
        this.clock = clock;
        this.lastSuccess = clock.instant();
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::pollQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the last poll succeeded recently: the store is reachable and caches are current. */
    public boolean isHealthy() {
        return !failing && lastSuccess.isAfter(clock.instant().minus(interval.multipliedBy(10).plusSeconds(1)));
    }

    /** One poll; called by the scheduler, and by tests that want one now. */
    public synchronized void poll() {
        ChangeLog.Batch batch;
        try {
            batch = log.after(applied, ChangeLog.RETAINED);
        } catch (RuntimeException e) {
            becomeStale("Cannot read the change log; dropping cached state until it is back", e);
            return;
        }
        if (resyncDue || !batch.complete()) {
            try {
                listener.onResync();
            } catch (RuntimeException e) {
                becomeStale("Cannot reload cached state", e);
                return;
            }
            // The reload read the store after the batch's newest entry had committed.
            applied = batch.newest();
            resyncDue = false;
            LOG.info("Reloaded cached state (change log at {})", applied);
        } else {
            for (Change change : batch.changes()) {
                try {
                    listener.onChange(change);
                } catch (RuntimeException e) {
                    becomeStale("Could not apply change " + change.kind() + " " + change.seq()
                            + "; dropping cached state and reloading it", e);
                    return;
                }
                applied = change.seq();
            }
            applied = batch.newest(); // past entries of newer kinds, which were not ours
        }
        failing = false;
        lastSuccess = clock.instant();
        listener.onCaughtUp(applied);
    }

    private void becomeStale(String why, RuntimeException e) {
        if (!failing) {
            LOG.warn("{}: {}", why, e.getMessage());
            failing = true;
        }
        resyncDue = true;
        try {
            listener.onStale();
        } catch (RuntimeException dropping) {
            LOG.warn("Could not drop cached state: {}", dropping.getMessage());
        }
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
