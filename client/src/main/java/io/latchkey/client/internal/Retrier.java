package io.latchkey.client.internal;

import io.latchkey.client.RetryPolicy;
import io.latchkey.client.TokenSourceListener;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Runs a token request again after an I/O error, a 5xx or a 429, waiting a capped exponential
 * delay with jitter between attempts ({@link RetryPolicy}). Anything else — {@code invalid_client},
 * {@code invalid_grant}, a malformed request — is the server's answer, not an accident, and is
 * thrown at once.
 */
public final class Retrier {
    /** One attempt at a request. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run() throws IOException, InterruptedException, TokenEndpointException;
    }

    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final DoubleSupplier jitter;
    private final TokenSourceListener listener;

    /** @param jitter uniform in [0, 1) */
    public Retrier(RetryPolicy policy, Sleeper sleeper, DoubleSupplier jitter, TokenSourceListener listener) {
        this.policy = policy;
        this.sleeper = sleeper;
        this.jitter = jitter;
        this.listener = listener;
    }

    public <T> T call(Attempt<T> attempt) throws IOException, InterruptedException, TokenEndpointException {
        for (int n = 1; ; n++) {
            try {
                return attempt.run();
            } catch (TokenEndpointException e) {
                if (!e.retryable() || n >= policy.maxAttempts()) {
                    throw e;
                }
                pause(n, e.retryAfter(), "HTTP " + e.status());
            } catch (IOException e) {
                if (n >= policy.maxAttempts()) {
                    throw e;
                }
                pause(n, Optional.empty(), e.getClass().getSimpleName());
            }
        }
    }

    private void pause(int attempt, Optional<Duration> retryAfter, String reason) throws InterruptedException {
        Duration delay = delayAfter(attempt, retryAfter);
        listener.retrying(attempt, delay, reason);
        sleeper.sleep(delay);
    }

    /**
     * "Equal jitter": half the capped exponential ceiling is fixed, the other half random, so
     * delays still grow while clients that failed together spread out. A longer
     * {@code Retry-After} from the server wins, within the policy's cap.
     */
    Duration delayAfter(int attempt, Optional<Duration> retryAfter) {
        long ceiling = policy.ceilingAfter(attempt).toNanos();
        long half = ceiling / 2;
        Duration delay = Duration.ofNanos(half + (long) (jitter.getAsDouble() * (ceiling - half)));
        if (retryAfter.isPresent() && retryAfter.get().compareTo(delay) > 0) {
            delay = retryAfter.get().compareTo(policy.maxDelay()) > 0 ? policy.maxDelay() : retryAfter.get();
        }
        return delay;
    }
}
