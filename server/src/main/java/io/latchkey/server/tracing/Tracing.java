package io.latchkey.server.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * OpenTelemetry traces, off by default: on when {@code OTEL_TRACES_EXPORTER} names an exporter
 * or an OTLP endpoint is set ({@code OTEL_EXPORTER_OTLP_ENDPOINT},
 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}), and then configured by the standard {@code OTEL_*}
 * variables through the SDK's own autoconfiguration. A span per request (the route template,
 * status and client id), honouring an incoming W3C {@code traceparent}, with a child span for each
 * store transaction; a span for each webhook delivery attempt, whose {@code traceparent} goes out
 * with it. Off, every call here is one field read: {@link #OFF} does nothing.
 */
public final class Tracing implements AutoCloseable {
    /** No tracing: what runs unless the environment asks for it. */
    public static final Tracing OFF = new Tracing(null, null);

    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> CLIENT_ID = AttributeKey.stringKey("latchkey.client_id");
    static final AttributeKey<String> URL = AttributeKey.stringKey("url.full");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("latchkey.webhook.message_id");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private static final TextMapSetter<BiConsumer<String, String>> OUTGOING = (carrier, key, value) -> {
        if (carrier != null) {
            carrier.accept(key, value);
        }
    };

    private static final TextMapGetter<Function<String, String>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Function<String, String> carrier) {
            return java.util.List.of("traceparent", "tracestate");
        }

        @Override
        public String get(Function<String, String> carrier, String key) {
            return carrier == null ? null : carrier.apply(key);
        }
    };

    private final OpenTelemetrySdk sdk;
    private final Tracer tracer;

    private Tracing(OpenTelemetrySdk sdk, Tracer tracer) {
        this.sdk = sdk;
        this.tracer = tracer;
    }

    /** Tracing as {@code environment} (the process's variables) asks for it. */
    public static Tracing fromEnvironment(Map<String, String> environment) {
        boolean wanted = "false".equalsIgnoreCase(environment.getOrDefault("OTEL_SDK_DISABLED", "false"))
                && (environment.containsKey("OTEL_EXPORTER_OTLP_ENDPOINT")
                || environment.containsKey("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
                || (environment.containsKey("OTEL_TRACES_EXPORTER")
                && !"none".equalsIgnoreCase(environment.get("OTEL_TRACES_EXPORTER"))));
        if (!wanted) {
            return OFF;
        }
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                // Traces only: metrics are /metrics' (Prometheus), logs are Logback's.
                .addPropertiesSupplier(() -> Map.of("otel.metrics.exporter", "none", "otel.logs.exporter", "none",
                        "otel.service.name", environment.getOrDefault("OTEL_SERVICE_NAME", "latchkey")))
                .build().getOpenTelemetrySdk();
        return new Tracing(sdk, sdk.getTracer("io.latchkey.server"));
    }

    public boolean enabled() {
        return tracer != null;
    }

    /**
     * Starts the span of a request, a child of the caller's {@code traceparent} when it sent one.
     *
     * @param headers the request's headers by name
     */
    public Span startRequest(String method, Function<String, String> headers) {
        if (tracer == null) {
            return Span.getInvalid();
        }
        Context parent = sdk.getPropagators().getTextMapPropagator().extract(Context.root(), headers, HEADERS);
        return tracer.spanBuilder("HTTP " + method).setParent(parent).setSpanKind(SpanKind.SERVER)
                .setAttribute(METHOD, method).startSpan();
    }

    /** Ends a request's span with what the request turned out to be. */
    public static void endRequest(Span span, String method, String route, int status, String clientId) {
        if (!span.getSpanContext().isValid()) {
            return;
        }
        span.updateName(method + " " + route);
        span.setAttribute(ROUTE, route);
        span.setAttribute(STATUS, (long) status);
        if (clientId != null) {
            span.setAttribute(CLIENT_ID, clientId);
        }
        if (status >= 500) {
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }

    /**
     * Starts the span of one webhook delivery attempt, {@code POST url}, and hands its
     * {@code traceparent} (and {@code tracestate}) to {@code headers} for the outgoing request. A
     * trace of its own: the delivery goes out from the dispatcher, after the request whose change
     * it reports was answered.
     */
    public Span startDelivery(String url, String messageId, BiConsumer<String, String> headers) {
        if (tracer == null) {
            return Span.getInvalid();
        }
        Span span = tracer.spanBuilder("POST").setNoParent().setSpanKind(SpanKind.CLIENT)
                .setAttribute(METHOD, "POST").setAttribute(URL, url).setAttribute(MESSAGE_ID, messageId).startSpan();
        sdk.getPropagators().getTextMapPropagator().inject(Context.root().with(span), headers, OUTGOING);
        return span;
    }

    /**
     * Ends a delivery's span: {@code status} is the receiver's answer (null when none came),
     * {@code error} why the attempt failed (null when it was delivered).
     */
    public static void endDelivery(Span span, Integer status, String error) {
        if (!span.getSpanContext().isValid()) {
            return;
        }
        if (status != null) {
            span.setAttribute(STATUS, (long) status);
        }
        if (error != null) {
            span.setAttribute(ERROR_TYPE, status != null ? Integer.toString(status) : "no_answer");
            span.setStatus(StatusCode.ERROR, error);
        }
        span.end();
    }

    /** {@code work} with {@code span} as the current span of whichever thread runs it. */
    public static <T> Callable<T> within(Span span, Callable<T> work) {
        if (!span.getSpanContext().isValid()) {
            return work;
        }
        return () -> {
            try (Scope ignored = span.makeCurrent()) {
                return work.call();
            }
        };
    }

    /** Runs {@code work} in a child span of the current one, named {@code name}. */
    public <T> T inChildSpan(String name, Callable<T> work) throws Exception {
        if (tracer == null || !Span.current().getSpanContext().isValid()) {
            return work.call();
        }
        Span span = tracer.spanBuilder(name).setSpanKind(SpanKind.CLIENT).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return work.call();
        } catch (Exception | Error e) {
            span.setStatus(StatusCode.ERROR);
            throw e;
        } finally {
            span.end();
        }
    }

    /** Flushes and stops the exporter. */
    @Override
    public void close() {
        if (sdk != null) {
            sdk.close();
        }
    }
}
