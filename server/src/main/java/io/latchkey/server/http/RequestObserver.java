package io.latchkey.server.http;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.server.metrics.LatchkeyMetrics;
import io.latchkey.server.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The first handler of every request: gives it a request id (the caller's {@code X-Request-Id}
 * when sane, else a fresh one), echoes it, and when the response ends records its latency under
 * the route's path template and writes one access-log line.
 *
 * <p>Vert.x runs a request's handlers on an event loop and its store work on worker threads, and
 * carries no logging context between them; so the request id enters SLF4J's MDC around each piece
 * ({@link #inScope} on the event loop, {@link #traced} on a worker), and every line
 * logged while handling the request carries it.
 */
public final class RequestObserver implements Handler<RoutingContext> {
    /** The MDC key of the request id; the JSON log's {@code requestId} field. */
    public static final String MDC_KEY = "requestId";
    static final String HEADER = "X-Request-Id";
    private static final String KEY = "latchkey.observation";
    private static final int MAX_REQUEST_ID = 128;
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final Logger ACCESS = LoggerFactory.getLogger("latchkey.access");

    private final LatchkeyMetrics metrics;
    private final boolean accessLog;
    private final Tracing tracing;
    private final ObservedRoute unmatched;

    public RequestObserver(LatchkeyMetrics metrics, boolean accessLog) {
        this(metrics, accessLog, Tracing.OFF);
    }

    /** With {@code tracing} on, each request is also a span (and its worker steps run within it). */
    public RequestObserver(LatchkeyMetrics metrics, boolean accessLog, Tracing tracing) {
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.tracing = tracing;
        this.unmatched = new ObservedRoute(metrics, "unmatched", "ANY");
    }

    LatchkeyMetrics metrics() {
        return metrics;
    }

    /** A route's latency series; created once per registered route, so a request looks nothing up. */
    ObservedRoute route(String template, String method) {
        return new ObservedRoute(metrics, template, method);
    }

    @Override
    public void handle(RoutingContext ctx) {
        begin(ctx);
        inScope(ctx, ctx::next);
    }

    /** Starts observing {@code ctx}, unless this already happened. */
    void begin(RoutingContext ctx) {
        if (ctx.get(KEY) != null) {
            return;
        }
        String id = requestIdFrom(ctx.request().getHeader(HEADER));
        Observation observation = new Observation(this, id, System.nanoTime(), tracing.enabled()
                ? tracing.startRequest(ctx.request().method().name(), ctx.request()::getHeader) : Span.getInvalid());
        ctx.put(KEY, observation);
        ctx.response().putHeader(HEADER, id);
        ctx.addEndHandler(ended -> observation.finish(ctx));
    }

    /** Marks which route answers {@code ctx}: the latency series and the access log name its template. */
    static void answeredBy(RoutingContext ctx, ObservedRoute route) {
        Observation observation = ctx.get(KEY);
        if (observation != null) {
            observation.route = route;
        }
    }

    /** Names the client the request authenticated, for the access log (a client id is no secret). */
    static void authenticated(RoutingContext ctx, String clientId) {
        Observation observation = ctx.get(KEY);
        if (observation != null) {
            observation.clientId = clientId;
        }
    }

    /** Counts an error answer by its code; a 429 is also a rate-limit rejection. */
    static void failed(RoutingContext ctx, ErrorCode code) {
        Observation observation = ctx.get(KEY);
        if (observation != null) {
            observation.observer.metrics.countError(code);
            if (code == ErrorCode.TOO_MANY_REQUESTS) {
                observation.observer.metrics.countRateLimitRejection();
            }
        }
    }

    /**
     * Runs {@code work} with the request id of {@code ctx} in the MDC: the one request scope of
     * every handler, error handler and completion that runs on an event loop.
     */
    static void inScope(RoutingContext ctx, Runnable work) {
        String previous = enter(ctx);
        try {
            work.run();
        } finally {
            exit(previous);
        }
    }

    /** Puts the request id of {@code ctx} in the MDC; returns what to restore with {@link #exit}. */
    private static String enter(RoutingContext ctx) {
        Observation observation = ctx.get(KEY);
        String previous = MDC.get(MDC_KEY);
        if (observation != null) {
            MDC.put(MDC_KEY, observation.requestId);
        }
        return previous;
    }

    private static void exit(String previous) {
        if (previous == null) {
            MDC.remove(MDC_KEY);
        } else {
            MDC.put(MDC_KEY, previous);
        }
    }

    /** {@code work} with the request id of {@code ctx} in the MDC of whichever worker runs it. */
    static <T> Callable<T> traced(RoutingContext ctx, Callable<T> work) {
        Observation observation = ctx.get(KEY);
        if (observation == null) {
            return work;
        }
        String id = observation.requestId;
        Callable<T> inSpan = Tracing.within(observation.span, work);
        return () -> {
            String previous = MDC.get(MDC_KEY);
            MDC.put(MDC_KEY, id);
            try {
                return inSpan.call();
            } finally {
                exit(previous);
            }
        };
    }

    /**
     * An executor of short store writes (an audit event) noticed on an event loop: each runs on a
     * worker, with the MDC of the thread that handed it over.
     */
    public static java.util.concurrent.Executor onWorkers(io.vertx.core.Vertx vertx) {
        return command -> {
            String id = MDC.get(MDC_KEY);
            vertx.executeBlocking(() -> {
                String previous = MDC.get(MDC_KEY);
                if (id != null) {
                    MDC.put(MDC_KEY, id);
                }
                try {
                    command.run();
                } finally {
                    exit(previous);
                }
                return null;
            }, false);
        };
    }

    /**
     * The caller's id if it is 1–128 RFC 9110 token characters (nothing that could forge a log
     * line or a JSON field), else 16 random hex digits: unique enough to find one request's
     * lines, and far cheaper than a UUID.
     */
    static String requestIdFrom(String given) {
        if (given != null && !given.isEmpty() && given.length() <= MAX_REQUEST_ID && isToken(given)) {
            return given;
        }
        long random = ThreadLocalRandom.current().nextLong();
        char[] id = new char[16];
        for (int i = 15; i >= 0; i--) {
            id[i] = HEX[(int) (random & 0xf)];
            random >>>= 4;
        }
        return new String(id);
    }

    private static boolean isToken(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private void accessLog(RoutingContext ctx, Observation observation, ObservedRoute route, int status,
                           long nanos) {
        if (!accessLog || !ACCESS.isInfoEnabled()) {
            return;
        }
        HttpServerResponse response = ctx.response();
        String source = FrontDoor.source(ctx);
        if (source == null) {
            source = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
        }
        // The route's template, not the raw path: a path or query may carry whatever a caller typed,
        // secrets included (?client_secret=…). Never the body or a header either.
        StringBuilder line = new StringBuilder(160)
                .append(ctx.request().method().name()).append(' ').append(route.template)
                .append(" status=").append(status)
                .append(" bytes=").append(response.bytesWritten())
                .append(" duration_ms=").append(nanos / 1_000_000).append('.')
                .append((char) ('0' + (nanos / 100_000) % 10)).append((char) ('0' + (nanos / 10_000) % 10))
                .append(" remote=").append(source);
        if (observation.clientId != null) {
            line.append(" client_id=").append(observation.clientId);
        }
        String previous = MDC.get(MDC_KEY);
        MDC.put(MDC_KEY, observation.requestId);
        try {
            ACCESS.info(line.toString());
        } finally {
            exit(previous);
        }
    }

    /** One request's id, start, route and client, kept in its routing context. */
    private static final class Observation {
        final RequestObserver observer;
        final String requestId;
        final long start;
        final Span span;
        ObservedRoute route;
        String clientId;

        Observation(RequestObserver observer, String requestId, long start, Span span) {
            this.observer = observer;
            this.requestId = requestId;
            this.start = start;
            this.span = span;
        }

        void finish(RoutingContext ctx) {
            long nanos = System.nanoTime() - start;
            ObservedRoute answered = route == null ? observer.unmatched : route;
            int status = ctx.response().getStatusCode();
            answered.timer(status).record(nanos, TimeUnit.NANOSECONDS);
            observer.accessLog(ctx, this, answered, status, nanos);
            Tracing.endRequest(span, ctx.request().method().name(), answered.template, status, clientId);
        }
    }

    /**
     * A route's path template (never the raw path: unbounded label values would swamp Prometheus)
     * with its timers by status, created on first use and cached.
     */
    static final class ObservedRoute {
        private final LatchkeyMetrics metrics;
        private final String template;
        private final String method;
        private final AtomicReferenceArray<Timer> byStatus = new AtomicReferenceArray<>(600);

        ObservedRoute(LatchkeyMetrics metrics, String template, String method) {
            this.metrics = metrics;
            this.template = template;
            this.method = method;
        }

        Timer timer(int status) {
            int index = status >= 100 && status < 600 ? status : 0;
            Timer timer = byStatus.get(index);
            if (timer == null) {
                timer = metrics.requestTimer(template, method, index); // the registry returns one instance
                byStatus.set(index, timer);
            }
            return timer;
        }
    }
}
