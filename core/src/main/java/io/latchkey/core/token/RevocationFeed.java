package io.latchkey.core.token;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * SPEC §9: what is new for an API verifying tokens offline, in memory and in the order the store
 * numbered it, so that following {@code GET /oauth2/revocations} with a cursor reads no database.
 * Each entry is a revoked access token's {@code jti}, a revoked rotation family's {@code fid} or a
 * deleted client's id, kept {@code until} the last access token it covers has expired; then it is
 * forgotten, so the feed holds at most one access-token lifetime of revocations.
 *
 * <p>Order and cursors: entries are learnt from the change log ({@link #learn}), whose numbers
 * the database hands out without gaps and commits in order, and which every instance sharing the
 * store reads alike; so a cursor (the number of the newest change a verifier has) means the same
 * on every instance. Memory holds only what was learnt since the instance last read the store
 * (start-up, or a resynchronisation: {@link #reset}); the first {@link #caughtUp} after it sets
 * the floor, and a cursor older than the floor is answered with every live entry from the store
 * ({@link RevocationList#forEachLive}), which a verifier merges into what it holds (entries only
 * accumulate until they expire, so the whole list is always a safe answer).
 *
 * <p>Concurrency: one writer at a time (the change feed's thread, housekeeping) under this
 * object's lock; readers (requests on event loops) copy what they answer under the same lock,
 * microseconds for a page of news. Entries are parallel arrays sorted by number.
 */
public final class RevocationFeed {
    /** What an entry names, spelt as the feed answers it. */
    public enum Type {
        TOKEN("token"), FAMILY("family"), CLIENT("client");

        private final String wireName;

        Type(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** One thing to refuse, until the epoch second {@code until}. */
    public record Entry(Type type, String id, long until) {
    }

    /** An answer: the entries since a cursor, and the cursor to ask with next. */
    public record Page(long cursor, List<Entry> entries) {
    }

    private static final Type[] TYPES = Type.values();
    private static final int INITIAL_CAPACITY = 64;

    private final Clock clock;
    private final List<Runnable> watchers = new CopyOnWriteArrayList<>();
    private long[] seqs = new long[INITIAL_CAPACITY];
    private long[] untils = new long[INITIAL_CAPACITY];
    private byte[] types = new byte[INITIAL_CAPACITY];
    private String[] ids = new String[INITIAL_CAPACITY];
    private int size;
    /** Cursors below this cannot be answered with news only: what was loaded has no number. */
    private long floor = Long.MAX_VALUE;
    private boolean floorPending = true;
    /** The newest change-log number this instance has applied. */
    private long current;
    private volatile boolean stale;

    public RevocationFeed(Clock clock) {
        this.clock = clock;
    }

    /** Forgets everything: the store is being read again; the next {@link #caughtUp} sets the floor. */
    public synchronized void reset() {
        Arrays.fill(ids, 0, size, null);
        size = 0;
        floor = Long.MAX_VALUE;
        floorPending = true;
        stale = false;
        notifyWatchers();
    }

    /** An entry of the change log, number {@code seq}: learnt in the log's order. */
    public void learn(long seq, Entry entry) {
        synchronized (this) {
            if (entry.until() <= clock.instant().getEpochSecond()) {
                return; // learnt late: nothing it covers is live any more
            }
            append(seq, entry);
            current = Math.max(current, seq);
        }
        notifyWatchers();
    }

    /** The change log has been applied up to {@code applied}: the first call after a load sets the floor. */
    public synchronized void caughtUp(long applied) {
        if (floorPending) {
            floor = applied;
            floorPending = false;
        }
        current = Math.max(current, applied);
    }

    /** Changes may be missing (the change log is unreadable): answers are refused until the next load. */
    public void markStale() {
        stale = true;
        notifyWatchers();
    }

    /** Whether the feed may be missing revocations: then it must not answer that nothing is new. */
    public boolean isStale() {
        return stale;
    }

    /** The newest change this instance has applied: the cursor of a whole list read from the store now. */
    public synchronized long cursor() {
        return current;
    }

    /**
     * The live entries after {@code cursor}, or empty when the cursor predates the
     * {@linkplain #caughtUp floor}: then only the whole list from the store answers it.
     */
    public synchronized java.util.Optional<Page> after(long cursor) {
        if (cursor < floor) {
            return java.util.Optional.empty();
        }
        long now = clock.instant().getEpochSecond();
        List<Entry> entries = new ArrayList<>();
        for (int i = firstAfter(cursor); i < size; i++) {
            if (untils[i] > now) {
                entries.add(new Entry(TYPES[types[i]], ids[i], untils[i]));
            }
        }
        return java.util.Optional.of(new Page(Math.max(cursor, current), entries));
    }

    /** Forgets the entries whose tokens have all expired; how many went. */
    public synchronized int removeExpired() {
        long now = clock.instant().getEpochSecond();
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (untils[i] > now) {
                seqs[kept] = seqs[i];
                untils[kept] = untils[i];
                types[kept] = types[i];
                ids[kept] = ids[i];
                kept++;
            }
        }
        Arrays.fill(ids, kept, size, null);
        int removed = size - kept;
        size = kept;
        if (seqs.length > INITIAL_CAPACITY && size * 4 < seqs.length) {
            resize(Math.max(INITIAL_CAPACITY, size * 2));
        }
        return removed;
    }

    /** How many entries are held (expired ones included until the next {@link #removeExpired}). */
    public synchronized int size() {
        return size;
    }

    /**
     * Runs {@code watcher} (on the writer's thread; it must only hand off) whenever an entry is
     * learnt, the feed is reloaded or goes stale, until {@link #unwatch}.
     */
    public void watch(Runnable watcher) {
        watchers.add(watcher);
    }

    public void unwatch(Runnable watcher) {
        watchers.remove(watcher);
    }

    /** How many are watching: the verifiers holding a long poll open. */
    public int watching() {
        return watchers.size();
    }

    /** The index of the first entry numbered above {@code cursor}: binary search, numbers ascend. */
    private int firstAfter(long cursor) {
        int low = 0;
        int high = size;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (seqs[middle] <= cursor) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    private void append(long seq, Entry entry) {
        if (size == seqs.length) {
            resize(seqs.length * 2);
        }
        seqs[size] = seq;
        untils[size] = entry.until();
        types[size] = (byte) entry.type().ordinal();
        ids[size] = entry.id();
        size++;
    }

    private void resize(int capacity) {
        seqs = Arrays.copyOf(seqs, capacity);
        untils = Arrays.copyOf(untils, capacity);
        types = Arrays.copyOf(types, capacity);
        ids = Arrays.copyOf(ids, capacity);
    }

    private void notifyWatchers() {
        for (Runnable watcher : watchers) {
            watcher.run();
        }
    }
}
