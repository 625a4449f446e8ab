package io.latchkey.server.outbound;

import io.latchkey.core.client.JwksFetcher;
import io.latchkey.core.client.JwksUri;
import io.latchkey.core.error.LatchkeyException;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link JwksFetcher} over the JDK's {@link HttpClient}: a {@code GET} with the fetcher's connect
 * and read timeouts, its size limit counted as the body streams in, no redirect followed, no
 * proxy (which would resolve the name itself, past the check), and the host's every address
 * checked by {@link OutboundAddresses} before connecting. It blocks its caller, a worker.
 *
 * <p>The check resolves the name, and the JDK client resolves it again to connect: a name whose
 * owner changes its answer between the two (DNS rebinding) could still reach a refused address,
 * though it would learn nothing of the answer, which is only ever parsed as a JWK set.
 */
public final class HttpJwksFetcher implements JwksFetcher {
    private final HttpClient http;
    private final Duration readTimeout;
    private final int maxBytes;

    public HttpJwksFetcher() {
        this(CONNECT_TIMEOUT, READ_TIMEOUT, MAX_BYTES);
    }

    HttpJwksFetcher(Duration connectTimeout, Duration readTimeout, int maxBytes) {
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).proxy(HttpClient.Builder.NO_PROXY)
                .version(HttpClient.Version.HTTP_1_1).build();
        this.readTimeout = readTimeout;
        this.maxBytes = maxBytes;
    }

    @Override
    public String fetch(JwksUri jwksUri) {
        checkAddresses(jwksUri);
        HttpRequest request = HttpRequest.newBuilder(jwksUri.uri()).timeout(readTimeout)
                .header("Accept", "application/jwk-set+json, application/json").GET().build();
        CompletableFuture<HttpResponse<String>> sent = http.sendAsync(request, info ->
                info.statusCode() == 200 ? new BoundedBody(maxBytes) : HttpResponse.BodySubscribers.replacing(null));
        HttpResponse<String> response;
        try {
            // The request's own timeout ends at the headers; this one covers the body too.
            response = sent.get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            sent.cancel(true);
            throw failure("did not answer within " + readTimeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            sent.cancel(true);
            Thread.currentThread().interrupt();
            throw failure("was not fetched (interrupted)");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TooLarge) {
                throw failure("answered with more than " + maxBytes + " bytes");
            }
            if (cause instanceof java.net.http.HttpTimeoutException) {
                throw failure("did not answer within " + readTimeout.toMillis() + " ms");
            }
            throw failure("could not be fetched (" + cause.getClass().getSimpleName() + ")");
        }
        int status = response.statusCode();
        if (status != 200) {
            throw failure(status / 100 == 3 ? "answered with a redirect (HTTP " + status + "), which is not followed"
                    : "answered HTTP " + status);
        }
        return response.body();
    }

    /** Every address the name resolves to must be permitted, since the client may connect to any. */
    private static void checkAddresses(JwksUri jwksUri) {
        String host = jwksUri.uri().getHost();
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            throw failure("names a host that does not resolve");
        }
        for (InetAddress address : addresses) {
            if (!OutboundAddresses.permitted(address, jwksUri.loopback())) {
                throw failure("names a host with a loopback, private, link-local or reserved address, "
                        + "which is refused");
            }
        }
    }

    private static LatchkeyException failure(String what) {
        return LatchkeyException.invalidRequest("jwksUri " + what + ".");
    }

    private static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super(null, null, false, false);
        }
    }

    /** The body as UTF-8 text, refused (and the exchange cancelled) once it passes {@code maxBytes}. */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<String> {
        private final int maxBytes;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final CompletableFuture<String> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        BoundedBody(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                if (body.size() + buffer.remaining() > maxBytes) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLarge());
                    return;
                }
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                body.write(bytes, 0, bytes.length);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(body.toString(StandardCharsets.UTF_8));
        }

        @Override
        public CompletionStage<String> getBody() {
            return result;
        }
    }
}
