package io.latchkey.core.token;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * SPEC §9: what an API verifying tokens offline must refuse, in memory and in the order the store
 * numbered it, so that {@code GET /oauth2/revocations} reads no database. Each entry is a revoked
 * access token's {@code jti}, a revoked rotation family's {@code fid} or a deleted client's id,
 * kept {@code until} the last access token it covers has expired; then it is forgotten, so the
 * feed holds at most one access-token lifetime of revocations.
 *
 * <p>Order and cursors: entries are learnt from the change log ({@link #learn}), whose numbers
 * the database hands out without gaps and commits in order, and which every instance sharing the
 * store reads alike; so a cursor (the number of the newest entry a verifier holds) means the same
 * on every instance. What is loaded from the store at start-up or after a resynchronisation
 * ({@link #load}) has no number: it lies at or below the {@link #caughtUp floor}, and a cursor
 * older than the floor is answered with every live entry, which a verifier merges into what it
 * holds (entries only ever accumulate until they expire, so the full list is always a safe answer).
 * An entry learnt while a load read the store may be listed twice; a verifier keeps a set.
 *
 * <p>Concurrency: one writer at a time (the change feed's thread, housekeeping) under this
 * object's lock; readers (requests on event loops) copy what they answer under the same lock,
 * microseconds for a page of news. Entries are parallel arrays sorted by number, the loaded ones
 * (number 0) first: about 60 bytes an entry besides the id's {@code String}.
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

    /**
     * An answer: the entries, and the cursor to ask with next. {@code complete} says it is every
     * live entry (the cursor was older than what this instance can tell apart).
     */
    public record Page(long cursor, List<Entry> entries, boolean complete) {
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

    /** Replaces everything with {@code entries} read from the store; numbers are set by the next {@link #caughtUp}. */
    public synchronized void load(List<Entry> entries) {
        long now = clock.instant().getEpochSecond();
        size = 0;
        for (Entry entry : entries) {
            if (entry.until() > now) {
                append(0, entry);
            }
        }
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

    /** Every live entry, and the cursor they bring a verifier to. */
    public synchronized Page all() {
        return page(0, size, true);
    }

    /** The live entries after {@code cursor}; every live entry when the cursor predates the {@linkplain #caughtUp floor}. */
    public synchronized Page after(long cursor) {
        if (cursor < floor) {
            return page(0, size, true);
        }
        int from = firstAfter(cursor);
        Page page = page(from, size, false);
        return new Page(Math.max(cursor, page.cursor()), page.entries(), false);
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

    private Page page(int from, int to, boolean complete) {
        long now = clock.instant().getEpochSecond();
        List<Entry> entries = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            if (untils[i] > now) {
                entries.add(new Entry(TYPES[types[i]], ids[i], untils[i]));
            }
        }
        return new Page(current, entries, complete);
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
