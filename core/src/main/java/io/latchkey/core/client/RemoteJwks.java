package io.latchkey.core.client;

import io.latchkey.core.error.LatchkeyException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JWK sets clients serve at their {@link JwksUri}, fetched when first needed and kept in
 * memory. A set is fetched again when it is older than {@link #MAX_AGE} (so a key the client
 * withdrew stops working), or when an assertion names a {@code kid} the set lacks (the client
 * rotated keys) — either way at most once per {@link #MIN_REFETCH_INTERVAL} per client, whatever
 * the outcome: assertions with made-up {@code kid}s, or a server that is down, cost the client's
 * server one request and a worker one bounded wait per interval, no more. A refetch that fails
 * keeps the last good set until it is {@link #MAX_STALE} old.
 *
 * <p>Concurrency: each client's entry is its own monitor, held while its set is fetched, so
 * concurrent requests of one client wait for one fetch (bounded by {@link JwksFetcher}'s
 * timeouts) instead of each fetching; requests of other clients are not held up.
 *
 * <p>Why a fetch failed is logged with the client id, never the body, a key or the URI (whose
 * query may carry something private).
 */
public final class RemoteJwks {
    /** SPEC §7: an unknown {@code kid} refetches at most this often. */
    public static final Duration MIN_REFETCH_INTERVAL = Duration.ofSeconds(30);
    /** A set older than this is refetched before it is used. */
    public static final Duration MAX_AGE = Duration.ofMinutes(5);
    /** While refetching fails, the last good set is used until it is this old. */
    public static final Duration MAX_STALE = Duration.ofHours(1);
    static final int MAX_CACHED = 100_000;

    private static final Logger LOG = LoggerFactory.getLogger(RemoteJwks.class);

    private final JwksFetcher fetcher;
    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    public RemoteJwks(JwksFetcher fetcher, Clock clock) {
        this.fetcher = fetcher;
        this.clock = clock;
    }

    /**
     * The set {@code uri} serves now (for a new client): fetched at once, cached nowhere.
     *
     * @throws LatchkeyException {@code invalid_request} saying why the set cannot be used
     */
    public ClientJwks fetchNow(JwksUri uri) {
        return fetchAndCheck(uri);
    }

    /**
     * The set to check client {@code id}'s assertion with, fetched first when there is none yet
     * or it is older than {@link #MAX_AGE} (and the interval allows).
     *
     * @throws LatchkeyException {@code invalid_client} when there is no set to use
     */
    public ClientJwks keys(ClientId id, JwksUri uri) {
        Entry entry = entry(id, uri);
        synchronized (entry) {
            Instant now = clock.instant();
            if (entry.keys == null || !now.isBefore(entry.fetchedAt.plus(MAX_AGE))) {
                refetchIfAllowed(id, entry, now);
            }
            if (entry.keys == null || !now.isBefore(entry.fetchedAt.plus(MAX_STALE))) {
                throw LatchkeyException.invalidClient();
            }
            return entry.keys;
        }
    }

    /**
     * A newer set than {@code seen}, after an assertion named a {@code kid} that {@code seen}
     * lacks: one another request just fetched, or one fetched now; empty when the interval
     * allows no fetch yet or the fetch failed.
     */
    public Optional<ClientJwks> refetched(ClientId id, JwksUri uri, ClientJwks seen) {
        Entry entry = entry(id, uri);
        synchronized (entry) {
            if (entry.keys != null && entry.keys != seen) {
                return Optional.of(entry.keys);
            }
            return refetchIfAllowed(id, entry, clock.instant()) ? Optional.of(entry.keys) : Optional.empty();
        }
    }

    /** Forgets one client's set: it was deleted or changed. */
    public void forget(ClientId id) {
        entries.remove(id.value());
    }

    /** Forgets every set. */
    public void forgetAll() {
        entries.clear();
    }

    private Entry entry(ClientId id, JwksUri uri) {
        Entry entry = entries.get(id.value());
        if (entry != null && entry.uri.equals(uri)) {
            return entry;
        }
        if (entries.size() >= MAX_CACHED) {
            entries.clear(); // crude bound, as the client cache's
        }
        return entries.compute(id.value(), (key, old) -> old != null && old.uri.equals(uri) ? old : new Entry(uri));
    }

    /** Fetches into {@code entry} unless it was tried within the interval; whether a set came. Holds its monitor. */
    private boolean refetchIfAllowed(ClientId id, Entry entry, Instant now) {
        if (entry.triedAt != null && now.isBefore(entry.triedAt.plus(MIN_REFETCH_INTERVAL))) {
            return false;
        }
        entry.triedAt = now;
        try {
            entry.keys = fetchAndCheck(entry.uri);
            entry.fetchedAt = now;
            return true;
        } catch (LatchkeyException e) {
            LOG.warn("The JWK set at the jwksUri of client {} cannot be used: {}", id.value(), e.getMessage());
            return false;
        }
    }

    private ClientJwks fetchAndCheck(JwksUri uri) {
        String body = fetcher.fetch(uri);
        try {
            return ClientJwks.parseServed(body);
        } catch (LatchkeyException e) {
            throw LatchkeyException.invalidRequest("jwksUri serves a JWK set that is refused: " + e.getMessage());
        }
    }

    private static final class Entry {
        final JwksUri uri;
        ClientJwks keys;
        Instant fetchedAt;
        Instant triedAt;

        Entry(JwksUri uri) {
            this.uri = uri;
        }
    }
}
