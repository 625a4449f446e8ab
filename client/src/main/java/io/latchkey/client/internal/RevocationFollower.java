package io.latchkey.client.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.latchkey.client.RevocationFeedListener;
import io.latchkey.client.RevocationFeedStatus;
import io.latchkey.client.TokenRejectedException;
import io.latchkey.client.TokenRejectedException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Follows the server's revocation feed (SPEC §9) on one thread with one long poll at a time, and
 * answers from memory whether a verified token is revoked: its {@code jti}, its family's
 * {@code fid} or its client. So a revocation or a deletion reaches this API within the server's
 * change-feed poll and a round trip (well under 2 s), with no call per request.
 *
 * <p>First the whole list, then {@code cursor} with {@code wait}: the server answers at once when
 * something is new, else after {@value #WAIT_SECONDS} s with nothing. A failed read is retried
 * after a backoff that doubles from {@link #FIRST_BACKOFF} to {@link #MAX_BACKOFF}, with jitter, and
 * told to the {@link RevocationFeedListener}. Fails closed: a verifier that has not read the feed
 * within {@code maxStaleness} refuses every token ({@link Reason#UNAVAILABLE}), since it can no
 * longer tell a revoked one. Staleness is real elapsed time ({@link System#nanoTime}), like an
 * HTTP timeout; entries' {@code until} is compared with the verifier's clock, like {@code exp}.
 */
public final class RevocationFollower implements AutoCloseable {
    static final int WAIT_SECONDS = 20;
    static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(15);
    /** How long a first verification waits for the first attempt to read the feed. */
    static final Duration FIRST_READ_WAIT = Duration.ofSeconds(5);
    /** The whole list after 100,000 revocations is about 6 MB; far more is not an answer of Latchkey's. */
    static final int MAX_BODY_BYTES = 64 << 20;
    private static final Duration FORGET_INTERVAL = Duration.ofMinutes(1);

    private final HttpClient client;
    private final EndpointLocator endpoint;
    private final String headerName;
    private final String headerValue;
    private final Duration maxStaleness;
    private final long skewSeconds;
    private final Clock clock;
    private final RevocationFeedListener listener;
    private final Sleeper sleeper;
    private final java.util.function.LongSupplier ticker;
    private final Map<String, Long> tokens = new ConcurrentHashMap<>();
    private final Map<String, Long> families = new ConcurrentHashMap<>();
    private final Map<String, Long> clients = new ConcurrentHashMap<>();
    private final CountDownLatch firstRead = new CountDownLatch(1);
    private final Thread thread;
    private volatile long lastReadNanos;
    private volatile boolean everRead;
    private volatile boolean closed;
    private volatile Exception lastFailure;
    private boolean behind;
    private String cursor;
    private long lastForgotNanos;

    public RevocationFollower(HttpClient client, EndpointLocator endpoint, String headerName, String headerValue,
                              Duration maxStaleness, Duration skew, Clock clock, RevocationFeedListener listener,
                              Sleeper sleeper, java.util.function.LongSupplier ticker) {
        this.client = client;
        this.endpoint = endpoint;
        this.headerName = headerName;
        this.headerValue = headerValue;
        this.maxStaleness = maxStaleness;
        this.skewSeconds = skew.toSeconds() + 1;
        this.clock = clock;
        this.listener = listener;
        this.sleeper = sleeper;
        this.ticker = ticker;
        this.lastForgotNanos = ticker.getAsLong();
        this.thread = new Thread(this::run, "latchkey-revocation-feed");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Refuses a token the feed lists, and every token while the feed is too old to tell. */
    public void requireNotRevoked(String jti, String familyId, String clientId) throws TokenRejectedException {
        if (!everRead) {
            try {
                firstRead.await(FIRST_READ_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!isCurrent()) {
            Exception cause = lastFailure;
            throw cause == null ? new TokenRejectedException(Reason.UNAVAILABLE)
                    : new TokenRejectedException(Reason.UNAVAILABLE, cause);
        }
        if (listed(tokens, jti) || listed(families, familyId) || listed(clients, clientId)) {
            throw new TokenRejectedException(Reason.REVOKED);
        }
    }

    public RevocationFeedStatus status() {
        return new RevocationFeedStatus(true, everRead ? Duration.ofNanos(ticker.getAsLong() - lastReadNanos) : null,
                isCurrent(), tokens.size() + families.size() + clients.size());
    }

    private boolean isCurrent() {
        return everRead && ticker.getAsLong() - lastReadNanos <= maxStaleness.toNanos();
    }

    private boolean listed(Map<String, Long> ids, String id) {
        if (id == null) {
            return false;
        }
        Long until = ids.get(id);
        // As long as a token it covers is accepted: until its exp, plus the skew this verifier allows.
        return until != null && until + skewSeconds >= clock.instant().getEpochSecond();
    }

    private void run() {
        Duration backoff = FIRST_BACKOFF;
        while (!closed) {
            try {
                read();
                backoff = FIRST_BACKOFF;
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    return;
                }
                behind = true;
                lastFailure = e;
                firstRead.countDown(); // the first attempt is over: verifications need not wait for more
                listener.onBehind(everRead ? Duration.ofNanos(ticker.getAsLong() - lastReadNanos) : null, e);
                try {
                    long jitter = ThreadLocalRandom.current().nextLong(backoff.toMillis() / 2 + 1);
                    sleeper.sleep(backoff.plusMillis(jitter));
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** One read: the whole list first, then the news since the last cursor, held up to the wait. */
    private void read() throws IOException, InterruptedException {
        URI base = endpoint.locate();
        URI uri = cursor == null ? base : URI.create(base + "?cursor=" + cursor + "&wait=" + WAIT_SECONDS);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(WAIT_SECONDS + 10L))
                .header("Accept", "application/json").header(headerName, headerValue).GET().build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (response.statusCode() != 200) {
            throw new IOException("the revocation feed answered " + response.statusCode());
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new IOException("the revocation feed's answer is larger than " + MAX_BODY_BYTES + " bytes");
        }
        Map<String, Object> page;
        try {
            page = JSONObjectUtils.parse(new String(body, StandardCharsets.UTF_8));
        } catch (ParseException e) {
            throw new IOException("the revocation feed's answer is not JSON", e);
        }
        if (!(page.get("cursor") instanceof String next) || !(page.get("entries") instanceof List<?> entries)) {
            throw new IOException("the revocation feed's answer has no cursor or entries");
        }
        for (Object item : entries) {
            remember(item);
        }
        cursor = next;
        lastReadNanos = ticker.getAsLong();
        everRead = true;
        lastFailure = null;
        firstRead.countDown();
        if (behind) {
            behind = false;
            listener.onCaughtUp();
        }
        forgetExpired();
    }

    private void remember(Object item) {
        if (!(item instanceof Map<?, ?> entry) || !(entry.get("id") instanceof String id)
                || !(entry.get("until") instanceof Number until)) {
            return;
        }
        Map<String, Long> ids = switch (String.valueOf(entry.get("type"))) {
            case "token" -> tokens;
            case "family" -> families;
            case "client" -> clients;
            default -> null; // a type of a newer server: nothing this verifier checks
        };
        if (ids != null) {
            ids.merge(id, until.longValue(), Math::max);
        }
    }

    private void forgetExpired() {
        if (ticker.getAsLong() - lastForgotNanos < FORGET_INTERVAL.toNanos()) {
            return;
        }
        lastForgotNanos = ticker.getAsLong();
        long now = clock.instant().getEpochSecond();
        for (Map<String, Long> ids : List.of(tokens, families, clients)) {
            ids.values().removeIf(until -> until + skewSeconds < now);
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
