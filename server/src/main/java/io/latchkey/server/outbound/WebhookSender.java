package io.latchkey.server.outbound;

import io.latchkey.core.error.LatchkeyException;
import io.latchkey.server.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends one webhook delivery as the Standard Webhooks specification says: a {@code POST} of the
 * JSON payload with {@code webhook-id}, {@code webhook-timestamp} (seconds) and {@code
 * webhook-signature} ({@code v1,} and the base64 HMAC-SHA256 of {@code id.timestamp.body} under
 * the secret's bytes). Over the JDK's {@link HttpClient} on a dispatcher thread, never an event
 * loop: connect and response timeouts, no redirect followed (a 3xx is a failure), no proxy, and
 * at most {@link #MAX_RESPONSE_BYTES} of the answer read (then the exchange is cut off). The
 * target's addresses are checked again just before connecting ({@link WebhookAddresses}); as for
 * a {@code jwksUri}, a name that changes its answer between that check and the connection could
 * still reach a refused address, though the answer's body is never read beyond its status. With
 * tracing on, each attempt is a span whose {@code traceparent} goes out with the request.
 */
public final class WebhookSender {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(10);
    static final int MAX_RESPONSE_BYTES = 64 * 1024;

    /** How an attempt went: delivered on a 2xx; otherwise the status (when one came) and why. */
    public record Outcome(Integer statusCode, String error) {
        public boolean delivered() {
            return error == null;
        }
    }

    private final HttpClient http;
    private final WebhookAddresses addresses;
    private final Tracing tracing;

    public WebhookSender(WebhookAddresses addresses) {
        this(addresses, Tracing.OFF);
    }

    public WebhookSender(WebhookAddresses addresses, Tracing tracing) {
        this.addresses = addresses;
        this.tracing = tracing;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).proxy(HttpClient.Builder.NO_PROXY)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /** The {@code webhook-signature} value of {@code body} for message {@code id} at {@code timestamp}. */
    public static String signature(byte[] key, String id, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /** Posts {@code body} to {@code url}; blocks for at most the timeouts. */
    public Outcome send(URI url, String id, long timestamp, String body, byte[] key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url);
        Span span = tracing.startDelivery(withoutQuery(url), id, request::header);
        Outcome outcome = send(request, url, id, timestamp, body, key);
        Tracing.endDelivery(span, outcome.statusCode(), outcome.error());
        return outcome;
    }

    private Outcome send(HttpRequest.Builder builder, URI url, String id, long timestamp, String body, byte[] key) {
        try {
            addresses.check(url);
        } catch (LatchkeyException refused) {
            return new Outcome(null, "target refused: its address is loopback, private or link-local");
        }
        HttpRequest request = builder.timeout(RESPONSE_TIMEOUT)
                .header("content-type", "application/json")
                .header("user-agent", "Latchkey-Webhooks")
                .header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", signature(key, id, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        CompletableFuture<HttpResponse<Void>> sent = http.sendAsync(request, info -> new LimitedDiscard());
        HttpResponse<Void> response;
        try {
            // The request's own timeout ends at the headers; this one covers the body too.
            response = sent.get(RESPONSE_TIMEOUT.toMillis() + CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            sent.cancel(true);
            return new Outcome(null, "no answer within " + RESPONSE_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            sent.cancel(true);
            Thread.currentThread().interrupt();
            return new Outcome(null, "interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                return new Outcome(null, "no answer within " + RESPONSE_TIMEOUT.toSeconds() + " s");
            }
            return new Outcome(null, "not sent (" + cause.getClass().getSimpleName() + ")");
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return new Outcome(status, null);
        }
        return new Outcome(status, status / 100 == 3 ? "HTTP " + status + " (redirects are not followed)"
                : "HTTP " + status);
    }

    /** {@code url} as a span may carry it: no user information or query, where a secret could be. */
    static String withoutQuery(URI url) {
        String port = url.getPort() < 0 ? "" : ":" + url.getPort();
        return url.getScheme() + "://" + url.getHost() + port + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    /** Reads and drops the answer's body, cutting the exchange off past {@link #MAX_RESPONSE_BYTES}. */
    private static final class LimitedDiscard implements HttpResponse.BodySubscriber<Void> {
        private final CompletableFuture<Void> result = new CompletableFuture<>();
        private Flow.Subscription subscription;
        private long read;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                read += buffer.remaining();
            }
            if (read > MAX_RESPONSE_BYTES && !result.isDone()) {
                subscription.cancel();
                result.complete(null); // the status is all that counts
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(null);
        }

        @Override
        public CompletionStage<Void> getBody() {
            return result;
        }
    }
}
