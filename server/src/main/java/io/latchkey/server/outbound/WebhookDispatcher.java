package io.latchkey.server.outbound;

import io.latchkey.core.secret.SecretGenerator;
import io.latchkey.core.webhook.RetrySchedule;
import io.latchkey.core.webhook.WebhookDelivery;
import io.latchkey.core.webhook.Webhooks;
import io.latchkey.store.jdbc.Database;
import io.latchkey.store.jdbc.Leases;
import io.latchkey.store.jdbc.WebhookQueue;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox's events to webhooks (SPEC §10): at least once, in order per webhook, with
 * retries on the {@link RetrySchedule}, off the event loops (a thread of its own ticks, a few
 * more send).
 *
 * <p>The invariants, then the code. Every delivery is a row, written before it is attempted and
 * updated after: a process killed mid-send leaves it open, and whichever instance dispatches
 * next sends it again under the same {@code webhook-id} (a duplicate only ever on a retry). One
 * instance at a time dispatches: the holder of the {@code webhooks} lease ({@link Leases}, as the
 * purge does), renewed well before it lapses; a holder that dies is replaced once its lease has
 * run out ({@link #LEASE_TTL}). A webhook has at most one delivery in flight, its first open one
 * by {@code seq}, so a webhook that fails holds back its later events rather than reordering them;
 * which webhooks are in flight changes only on the ticker's thread, between rounds.
 */
public final class WebhookDispatcher implements AutoCloseable {
    static final String LEASE = "webhooks";
    static final Duration LEASE_TTL = Duration.ofSeconds(15);
    static final Duration TICK = Duration.ofMillis(250);
    /** Finished deliveries (and events nobody needs) are kept this long for the delivery log. */
    static final Duration RETAINED = Duration.ofDays(7);
    private static final Duration HOUSEKEEPING = Duration.ofMinutes(1);
    private static final int FAN_OUT_BATCH = 500;
    private static final int SENDERS = 4;
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);

    private final WebhookQueue queue;
    private final Leases leases;
    private final Webhooks webhooks;
    private final WebhookSender sender;
    private final RetrySchedule schedule;
    private final Clock clock;
    private final SecureRandom random;
    private final String instanceId;
    private final Consumer<String> outcomes;
    private final AtomicLong failingWebhooks;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<String, byte[]> keys = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            daemon("latchkey-webhooks"));
    private final ExecutorService senders = Executors.newFixedThreadPool(SENDERS, daemon("latchkey-webhook-send"));
    private Instant leaseUntil = Instant.MIN;
    // Rates of this process's own work go by its monotonic clock, not the injected one (which
    // tests hold still or move by hours): only what is stored or compared with stored times does.
    private long lastLeaseTry = System.nanoTime() - Duration.ofSeconds(2).toNanos();
    private long lastHousekeeping = System.nanoTime() - HOUSEKEEPING.toNanos();
    private volatile boolean holding;

    /**
     * @param outcomes        told {@code delivered}, {@code retried} or {@code given_up} after each attempt
     * @param failingWebhooks set to the number of failing webhooks
     */
    public WebhookDispatcher(Database database, Webhooks webhooks, WebhookSender sender, RetrySchedule schedule,
                             Clock clock, SecureRandom random, Consumer<String> outcomes, AtomicLong failingWebhooks) {
        this.queue = new WebhookQueue(database);
        this.leases = new Leases(database);
        this.webhooks = webhooks;
        this.sender = sender;
        this.schedule = schedule;
        this.clock = clock;
        this.random = random;
        this.instanceId = new SecretGenerator(random).id();
        this.outcomes = outcomes;
        this.failingWebhooks = failingWebhooks;
    }

    public void start() {
        ticker.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One round: fan new events out, then start every webhook's next due delivery. */
    void tick() {
        try {
            Instant now = clock.instant();
            if (!holdsLease(now)) {
                return;
            }
            while (queue.fanOut(now, FAN_OUT_BATCH) == FAN_OUT_BATCH) {
                // a backlog (after an outage): fan it all out before sending
            }
            for (WebhookQueue.Due due : queue.due(now)) {
                String webhookId = due.delivery().webhookId();
                if (inFlight.add(webhookId)) {
                    senders.execute(() -> deliver(due));
                }
            }
            if (System.nanoTime() - lastHousekeeping >= HOUSEKEEPING.toNanos()) {
                lastHousekeeping = System.nanoTime();
                failingWebhooks.set(queue.countFailing());
                queue.purge(now.minus(RETAINED));
            }
        } catch (RuntimeException e) {
            LOG.debug("Webhook dispatch round failed; the next round retries: {}", e.getMessage());
        }
    }

    /** Takes or renews the lease when due: renewed at half its life, taken over at most once a second. */
    private boolean holdsLease(Instant now) {
        boolean held = now.isBefore(leaseUntil);
        if (held && now.isBefore(leaseUntil.minus(LEASE_TTL.dividedBy(2)))) {
            return true;
        }
        if (!held && System.nanoTime() - lastLeaseTry < Duration.ofSeconds(1).toNanos()) {
            return false;
        }
        lastLeaseTry = System.nanoTime();
        if (leases.tryAcquire(LEASE, instanceId, now, LEASE_TTL)) {
            leaseUntil = now.plus(LEASE_TTL);
            holding = true;
            return true;
        }
        leaseUntil = Instant.MIN;
        holding = false;
        return false;
    }

    private void deliver(WebhookQueue.Due due) {
        WebhookDelivery delivery = due.delivery();
        try {
            byte[] key = keys.computeIfAbsent(delivery.webhookId(), id -> webhooks.signingKey(id).orElse(null));
            if (key == null) {
                return; // deleted meanwhile: so are its deliveries
            }
            // Event types and instants are plain ASCII; data is the outbox's own JSON object.
            String body = "{\"type\":\"" + delivery.type() + "\",\"timestamp\":\"" + due.eventAt()
                    + "\",\"data\":" + due.data() + "}";
            WebhookSender.Outcome outcome = sender.send(URI.create(due.url()), delivery.eventId(),
                    clock.instant().getEpochSecond(), body, key);
            Instant now = clock.instant();
            if (outcome.delivered()) {
                queue.delivered(delivery, outcome.statusCode(), now);
                outcomes.accept("delivered");
                return;
            }
            boolean givesUp = schedule.givesUp(delivery.createdAt(), now);
            Instant next = givesUp ? null : now.plus(schedule.delayAfter(delivery.attempts() + 1, random.nextDouble()));
            queue.failed(delivery, outcome.statusCode(), outcome.error(), next, now);
            outcomes.accept(givesUp ? "given_up" : "retried");
            if (delivery.attempts() + 1 >= RetrySchedule.FAILING_AFTER || givesUp) {
                failingWebhooks.set(queue.countFailing());
            }
        } catch (RuntimeException e) {
            LOG.warn("Webhook delivery {} to {} not recorded; it is sent again: {}", delivery.eventId(),
                    delivery.webhookId(), e.getMessage());
        } finally {
            // Back on the ticker's thread, between two rounds: a round that read this delivery as
            // still open before its outcome was recorded must not find the webhook free.
            try {
                ticker.execute(() -> {
                    inFlight.remove(delivery.webhookId());
                    tick(); // its next delivery need not wait for the timer
                });
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // closed meanwhile
            }
        }
    }

    /** Whether this instance held the lease at its last round. */
    public boolean dispatching() {
        return holding;
    }

    /** Stops dispatching and hands the lease back, so that the next instance (a restart) need not wait it out. */
    @Override
    public void close() {
        ticker.shutdownNow();
        senders.shutdownNow();
        try {
            ticker.awaitTermination(2, TimeUnit.SECONDS);
            senders.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (holding) {
            try {
                leases.release(LEASE, instanceId);
            } catch (RuntimeException e) {
                // the store is gone: the lease runs out by itself
            }
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicLong count = new AtomicLong();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
