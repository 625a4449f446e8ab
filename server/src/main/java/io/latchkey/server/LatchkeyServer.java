package io.latchkey.server;

import io.latchkey.core.apikey.NewApiKey;
import io.latchkey.core.secret.PerThreadSecureRandom;
import io.latchkey.core.usage.TokenUsage;
import io.latchkey.core.webhook.RetrySchedule;
import io.latchkey.server.config.ServerConfig;
import io.latchkey.server.http.ClientCertificates;
import io.latchkey.server.http.RequestObserver;
import io.latchkey.server.http.Routes;
import io.latchkey.server.metrics.CountedClientStore;
import io.latchkey.server.metrics.CountingAuditLog;
import io.latchkey.server.metrics.LatchkeyMetrics;
import io.latchkey.server.outbound.WebhookAddresses;
import io.latchkey.server.outbound.WebhookDispatcher;
import io.latchkey.server.outbound.WebhookSender;
import io.latchkey.server.tracing.TracedDatabase;
import io.latchkey.server.tracing.Tracing;
import io.latchkey.server.transport.AnyClientCertificate;
import io.latchkey.server.transport.ConnectionGuard;
import io.latchkey.server.transport.ConnectionLimits;
import io.latchkey.store.jdbc.ChangeFeed;
import io.latchkey.store.jdbc.ChangeLog;
import io.latchkey.store.jdbc.Database;
import io.latchkey.store.jdbc.JdbcAuditLog;
import io.latchkey.store.jdbc.JdbcClientStore;
import io.latchkey.store.jdbc.WebhookOutbox;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Latchkey: wires the object graph by hand (no container is needed at this size),
 * binds HTTP first so {@code /health/ready} can say 503 while the store opens, then swaps in the
 * full router once the store is migrated and the keys are loaded.
 */
public final class LatchkeyServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LatchkeyServer.class);

    private static final int EVENT_LOOPS = Math.max(1, Runtime.getRuntime().availableProcessors());
    /**
     * Worker threads (Vert.x's default is 20). A durable write parks its worker until its group
     * commit is on disk, so the workers bound how many writes share one commit: with 20, the
     * 21st concurrent refresh waits in the queue for a whole commit before it even joins the next
     * one. Parked threads cost no CPU; 64 lets the bench's 64 connections all be in one batch.
     */
    static final int WORKER_THREADS = 64;
    private static final Duration CHANGE_POLL_INTERVAL = Duration.ofMillis(200);
    private static final Duration CLIENT_RECOUNT_INTERVAL = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final HttpServer http;
    private final Database database;
    private final ChangeFeed changeFeed;
    private final Housekeeping housekeeping;
    private final Services services;
    private final Optional<NewApiKey> generatedAdminKey;
    private final LatchkeyMetrics metrics;
    private final Router router;
    private final Tracing tracing;
    private final WebhookDispatcher webhookDispatcher;

    private LatchkeyServer(Vertx vertx, HttpServer http, Database database, ChangeFeed changeFeed,
                           Housekeeping housekeeping, Services services, Optional<NewApiKey> generatedAdminKey,
                           LatchkeyMetrics metrics, Router router, Tracing tracing,
                           WebhookDispatcher webhookDispatcher) {
        this.webhookDispatcher = webhookDispatcher;
        this.vertx = vertx;
        this.tracing = tracing;
        this.metrics = metrics;
        this.router = router;
        this.http = http;
        this.database = database;
        this.changeFeed = changeFeed;
        this.housekeeping = housekeeping;
        this.services = services;
        this.generatedAdminKey = generatedAdminKey;
    }

    /** Starts a server with the system clock and a strong random source. */
    public static LatchkeyServer start(ServerConfig config) {
        return start(config, Clock.systemUTC(), new PerThreadSecureRandom());
    }

    public static LatchkeyServer start(ServerConfig config, Clock clock, SecureRandom random) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(WORKER_THREADS));
        LatchkeyMetrics metrics = new LatchkeyMetrics(clock);
        Tracing tracing = Tracing.fromEnvironment(System.getenv());
        RequestObserver observer = new RequestObserver(metrics, config.accessLog(), tracing);
        AtomicReference<Router> active = new AtomicReference<>();
        AtomicBoolean ready = new AtomicBoolean();
        active.set(Routes.starting(vertx, config.tlsEnabled(), ready::get, observer));
        HttpServer http;
        Database database = null;
        try {
            http = listen(vertx, httpOptions(config), EVENT_LOOPS, connectionGuard(config), active);
            database = TracedDatabase.of(StoreFactory.openDatabase(config), tracing);
            metrics.reportStore(database);
            WebhookOutbox outbox = new WebhookOutbox(clock, random);
            CountedClientStore clientStore = new CountedClientStore(new JdbcClientStore(database, outbox), metrics);
            clientStore.recount();
            // Read before the caches load: whatever is logged after it reaches them through the feed.
            ChangeLog changeLog = new ChangeLog(database);
            long changesLoaded = changeLog.newest();
            Services services = Wiring.services(config, http.actualPort(), database, clock, random, clientStore,
                    new CountingAuditLog(new JdbcAuditLog(database, outbox), metrics), RequestObserver.onWorkers(vertx),
                    Routes.edgeAuthentications(config.metricsToken()));
            metrics.reportRevocations(services.revocations());
            Optional<NewApiKey> generated = services.apiKeys().bootstrap();
            ChangeFeed changeFeed = new ChangeFeed(changeLog, new CacheCoherence(services), CHANGE_POLL_INTERVAL,
                    changesLoaded, clock);
            changeFeed.start();
            Housekeeping housekeeping = new Housekeeping(database, services, config.secretExpiryWarning(),
                    metrics.secretsExpiring(), clock, random);
            vertx.executeBlocking(housekeeping::purge, false);
            vertx.setPeriodic(Housekeeping.PURGE_INTERVAL.toMillis(),
                    id -> vertx.executeBlocking(housekeeping::purge, false));
            vertx.setPeriodic(Housekeeping.FORGET_INTERVAL.toMillis(), id -> vertx.executeBlocking(() -> {
                housekeeping.forgetExpired();
                quietly(housekeeping::watchSecrets);
                return null;
            }, false));
            vertx.executeBlocking(() -> quietly(housekeeping::watchSecrets), false);
            // Token counts reach the store every few seconds, never a write per token (TokenUsage).
            vertx.setPeriodic(TokenUsage.FOLD_INTERVAL.toMillis(), id -> vertx.executeBlocking(
                    () -> quietly(services.usage()::foldUnlessBusy), false));
            // Clients created or deleted by other instances on the same store reach the gauge here.
            vertx.setPeriodic(CLIENT_RECOUNT_INTERVAL.toMillis(), id -> vertx.executeBlocking(() -> {
                recountQuietly(clientStore);
                return null;
            }, false));
            // SPEC §10: the outbox's events go out from here, on threads of the dispatcher's own.
            WebhookDispatcher webhookDispatcher = new WebhookDispatcher(database, services.webhooks(),
                    new WebhookSender(new WebhookAddresses(config.webhookAllowPrivate()), tracing),
                    RetrySchedule.startingAt(config.webhookRetryMin()), clock, random, metrics::countWebhookDelivery,
                    metrics.webhooksFailing());
            webhookDispatcher.start();
            Router router = Routes.router(vertx, services, config.maxBodyBytes(), config.trustedProxies(),
                    config.tlsEnabled(), () -> ready.get() && changeFeed.isHealthy(), observer, config.metricsToken(),
                    ClientCertificates.of(config), config.secretExpiryWarning());
            active.set(router);
            ready.set(true);
            LOG.info("Latchkey ready on http://{}:{} (issuer {}, store {}, {} access tokens)", config.host(),
                    http.actualPort(), services.tokenSettings().issuer(), database.description(),
                    config.signingAlgorithm());
            if (tracing.enabled()) {
                LOG.info("Tracing on: spans go where the OTEL_* variables say");
            }
            return new LatchkeyServer(vertx, http, database, changeFeed, housekeeping, services, generated, metrics,
                    router, tracing, webhookDispatcher);
        } catch (RuntimeException | IOException e) {
            if (database != null) {
                database.close();
            }
            await(vertx.close());
            metrics.close();
            tracing.close();
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * One HTTP server per core on the same port, each deployed in a context of its own, so that
     * each has its own event loop and Vert.x spreads connections across them: parsing and signing
     * use every core. (Servers created one after another from this thread would all share the
     * thread's one sticky context, and so one event loop.) A random port is asked for as -1:
     * Vert.x then binds one port and shares it among the servers.
     */
    static HttpServer listen(Vertx vertx, HttpServerOptions options, int eventLoops,
                             Handler<HttpConnection> connections, AtomicReference<Router> active) {
        if (options.getPort() == 0) {
            options.setPort(-1);
        }
        List<HttpServer> servers = new CopyOnWriteArrayList<>();
        await(vertx.deployVerticle(() -> context -> vertx.createHttpServer(options)
                .connectionHandler(connections)
                .requestHandler(request -> active.get().handle(request))
                .listen()
                .onSuccess(servers::add), new DeploymentOptions().setInstances(eventLoops)));
        return servers.get(0);
    }

    /**
     * The connection limits, shared by the servers of every event loop, and the read deadline.
     * Trusted proxies are held to the total only: every partner behind one arrives from its address.
     */
    private static ConnectionGuard connectionGuard(ServerConfig config) {
        return new ConnectionGuard(new ConnectionLimits(config.maxConnections(), config.maxConnectionsPerAddress(),
                config.trustedProxies()), config.readTimeout());
    }

    private static HttpServerOptions httpOptions(ServerConfig config) {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.host())
                .setPort(config.port())
                // Vert.x closes a connection with no byte read or written for this long.
                .setIdleTimeout(Math.toIntExact(config.idleTimeout().toMillis()))
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setMaxHeaderSize(8 * 1024)
                .setMaxFormAttributeSize(config.maxBodyBytes())
                // No HTTP/2 upgrade over cleartext (h2c): Vert.x answered an "Upgrade: h2c" request
                // whose response was tens of KiB (GET /openapi.json) now and then with the body
                // outside any HTTP/2 frame, so the JDK's HttpClient, which asks for h2c by default,
                // failed with a protocol error. Such clients get HTTP/1.1 instead.
                .setHttp2ClearTextEnabled(false)
                // Latchkey serves no WebSockets: without their compression, no connection carries
                // Netty's WebSocket extension handler, which looked at every request for an upgrade.
                .setPerFrameWebSocketCompressionSupported(false)
                .setPerMessageWebSocketCompressionSupported(false);
        if (config.tlsEnabled()) {
            // HTTPS only: with TLS configured there is no plain-HTTP listener to downgrade to.
            options.setSsl(true).setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
            if (ServerConfig.isPkcs12(config.tlsCert())) {
                options.setKeyCertOptions(new PfxOptions().setPath(config.tlsCert().toString())
                        .setPassword(config.tlsKeyPassword()));
            } else {
                options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(config.tlsCert().toString())
                        .setKeyPath(config.tlsKey().toString()));
            }
            if (config.tlsClientAuthWanted()) {
                // RFC 8705 §2: asked for, never required (a client of a secret has none), and
                // judged per client after the handshake (AnyClientCertificate says why).
                options.setClientAuth(io.vertx.core.http.ClientAuth.REQUEST)
                        .setTrustOptions(io.vertx.core.net.TrustOptions.wrap(AnyClientCertificate.INSTANCE));
            }
        }
        return options;
    }

    /** Runs a periodic store task; an outage is left to the next round (requests report outages themselves). */
    private static Object quietly(java.util.concurrent.Callable<?> task) {
        try {
            return task.call();
        } catch (Exception e) {
            LOG.debug("Periodic task failed; the next round retries: {}", e.getMessage());
            return null;
        }
    }

    private static void recountQuietly(CountedClientStore clients) {
        try {
            clients.recount();
        } catch (RuntimeException e) {
            // A store outage: the gauge keeps its last value; requests report the outage themselves.
        }
    }

    public int port() {
        return http.actualPort();
    }

    public String issuer() {
        return services.tokenSettings().issuer();
    }

    /** The admin API key created on first start, when none was configured or stored. */
    public Optional<NewApiKey> generatedAdminKey() {
        return generatedAdminKey;
    }

    /** The routes it serves, as registered (tests hold the API document to them). */
    Router router() {
        return router;
    }

    /** Reads the change log now instead of at the next tick (tests that want no wait). */
    public void pollChanges() {
        changeFeed.poll();
    }

    /**
     * Runs housekeeping now instead of at the next tick (tests that moved the clock): forgets
     * expired revocations and, holding the lease, purges the store; how many rows went.
     */
    public int housekeep() {
        housekeeping.forgetExpired();
        housekeeping.watchSecrets();
        return housekeeping.purge();
    }

    /** Whether this instance holds the webhook lease now: it is the one that delivers (tests). */
    public boolean dispatchesWebhooks() {
        return webhookDispatcher.dispatching();
    }

    /** Adds this instance's token counts to the store now instead of within a few seconds (tests). */
    public long foldUsage() {
        return services.usage().fold();
    }

    @Override
    public void close() {
        try {
            webhookDispatcher.close();
            changeFeed.close();
            await(vertx.close());
            quietly(services.usage()::fold); // what this instance counted since the last fold // closes every HTTP server it runs
        } finally {
            database.close();
            metrics.close();
            tracing.close(); // flushes the spans still queued
        }
    }

    static <T> T await(io.vertx.core.Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause.getMessage(), cause);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("timed out", e);
        }
    }
}
