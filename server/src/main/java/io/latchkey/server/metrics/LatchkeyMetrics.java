package io.latchkey.server.metrics;

import io.latchkey.core.error.ErrorCode;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.latchkey.core.token.RevocationFeed;
import io.latchkey.core.token.RevocationList;
import io.latchkey.store.jdbc.Database;
import io.latchkey.store.jdbc.PoolUsage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * The meters of one server, exposed by {@code GET /metrics} in the Prometheus text format. Every
 * counter the hot path touches is registered here once and handed out as an instance, so that a
 * request increments a field instead of looking a meter up by name and tags.
 *
 * <p>Metric names (as Prometheus sees them) are listed in the README and used verbatim by
 * {@code docs/grafana-dashboard.json}; a test keeps the two in step.
 */
public final class LatchkeyMetrics implements AutoCloseable {
    /** Request latency buckets: token issuance is sub-millisecond, store writes tens of ms. */
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    /**
     * How many API identifiers get an {@code api} label of their own; tokens for any API beyond
     * are counted as {@code api="other"}. More than most deployments register, few enough series.
     */
    public static final int MAX_API_LABELS = 100;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
    private final Counter refreshReuse;
    private final Counter rateLimitRejections;
    private final AtomicLong activeClients = new AtomicLong();
    private final ApiLabels apiLabels;
    private final AtomicLong secretsExpiring = new AtomicLong();
    private final AtomicLong webhooksFailing = new AtomicLong();
    private final RecentActivity recent;

    public LatchkeyMetrics() {
        this(Clock.systemUTC());
    }

    /** With {@code clock} telling the minutes of {@link #recent()}. */
    public LatchkeyMetrics(Clock clock) {
        this(MAX_API_LABELS, clock);
    }

    /** With at most {@code maxApiLabels} API identifiers as {@code api} labels ({@link TokensIssued}). */
    LatchkeyMetrics(int maxApiLabels) {
        this(maxApiLabels, Clock.systemUTC());
    }

    private LatchkeyMetrics(int maxApiLabels, Clock clock) {
        apiLabels = new ApiLabels(maxApiLabels);
        recent = new RecentActivity(clock);
        for (ErrorCode code : ErrorCode.values()) {
            errors.put(code, Counter.builder("latchkey.errors").tag("error", code.code())
                    .description("Error responses, by error code").register(registry));
        }
        refreshReuse = Counter.builder("latchkey.refresh.reuse.detected")
                .description("Reuses of a rotated refresh token (each revoked a whole family)").register(registry);
        rateLimitRejections = Counter.builder("latchkey.rate.limit.rejections")
                .description("Requests refused with 429 after too many failed authentications").register(registry);
        Gauge.builder("latchkey.clients.active", activeClients, AtomicLong::get)
                .description("Registered clients (refreshed on change and periodically)").register(registry);
        Gauge.builder("latchkey.client.secrets.expiring", secretsExpiring, AtomicLong::get)
                .description("Client secrets that expire within LATCHKEY_SECRET_EXPIRY_WARNING (refreshed every minute)")
                .register(registry);
        Gauge.builder("latchkey.webhooks.failing", webhooksFailing, AtomicLong::get)
                .description("Webhooks whose deliveries fail repeatedly (SPEC §10)").register(registry);
        for (String outcome : List.of("delivered", "retried", "given_up")) {
            countedWebhookDelivery(outcome);
        }
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** The counter of tokens issued on {@code endpoint} (a path) for {@code grant}, by API. */
    public TokensIssued tokensIssued(String endpoint, String grant) {
        return new TokensIssued(api -> Counter.builder("latchkey.tokens.issued").tag("endpoint", endpoint)
                .tag("grant", grant).tag("api", api)
                .description("Access tokens issued, by endpoint, grant and API").register(registry), apiLabels,
                recent);
    }

    /** The latency timer of one route template, method and status; callers cache it. */
    public Timer requestTimer(String route, String method, int status) {
        return Timer.builder("latchkey.http.requests").tag("route", route).tag("method", method)
                .tag("status", Integer.toString(status))
                .description("Request latency, by route template, method and status")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    }

    public void countError(ErrorCode code) {
        errors.get(code).increment();
        recent.countError(code);
    }

    /** The last hour of this instance, minute by minute: the console's overview. */
    public RecentActivity recent() {
        return recent;
    }

    public void countRefreshReuse() {
        refreshReuse.increment();
    }

    public void countRateLimitRejection() {
        rateLimitRejections.increment();
    }

    /**
     * Counts one webhook delivery attempt as {@code latchkey_webhook_deliveries_total{outcome}}:
     * {@code delivered}, {@code retried} (failed, sent again later) or {@code given_up}.
     */
    public void countWebhookDelivery(String outcome) {
        countedWebhookDelivery(outcome).increment();
    }

    private Counter countedWebhookDelivery(String outcome) {
        return Counter.builder("latchkey.webhook.deliveries").tag("outcome", outcome)
                .description("Webhook delivery attempts, by outcome").register(registry);
    }

    /** The cell the failing-webhooks gauge reads; set by the webhook dispatcher. */
    public AtomicLong webhooksFailing() {
        return webhooksFailing;
    }

    /** The cell the active-clients gauge reads; kept up to date by {@link CountedClientStore}. */
    AtomicLong activeClients() {
        return activeClients;
    }

    /** The cell the expiring-secrets gauge reads; set by housekeeping every minute. */
    public AtomicLong secretsExpiring() {
        return secretsExpiring;
    }

    /**
     * Reports the store's connections as {@code latchkey_store_connections{state=…}} for either
     * store; on PostgreSQL HikariCP also reports its own {@code hikaricp_*} meters (acquisition and
     * usage times), which SQLite, with one write connection fed by a queue, has no counterpart of.
     */
    public void reportStore(Database database) {
        storeGauge(database, "active", usage -> usage.active());
        storeGauge(database, "idle", usage -> usage.idle());
        storeGauge(database, "waiting", usage -> usage.waiting());
        storeGauge(database, "max", usage -> usage.max());
        database.reportPoolMetrics(new MicrometerMetricsTrackerFactory(registry));
    }

    /** Reports how many revocations {@code revocations} holds in memory, and in how many bytes. */
    public void reportRevocations(RevocationList revocations) {
        Gauge.builder("latchkey.revocations.remembered", revocations, RevocationList::remembered)
                .description("Revoked access tokens and families held in memory until their tokens expire")
                .register(registry);
        Gauge.builder("latchkey.revocations.memory", revocations, RevocationList::footprintBytes)
                .description("Bytes of memory the revocations take").baseUnit("bytes").register(registry);
        Gauge.builder("latchkey.revocation.feed.entries", revocations.feed(), RevocationFeed::size)
                .description("Revocation feed entries learnt since the store was last read, held for followers until they expire")
                .register(registry);
        Gauge.builder("latchkey.revocation.feed.followers", revocations.feed(), RevocationFeed::watching)
                .description("Long polls of the revocation feed held open: the verifiers following it here")
                .register(registry);
    }

    private void storeGauge(Database database, String state, ToDoubleFunction<PoolUsage> value) {
        Gauge.builder("latchkey.store.connections", database, db -> value.applyAsDouble(db.poolUsage()))
                .tag("state", state).description("Store connections, by state").register(registry);
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close(); // unhooks its GC notification listeners
        registry.close();
    }
}
