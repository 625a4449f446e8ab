package io.latchkey.client.internal;

import io.latchkey.client.InvalidClientException;
import io.latchkey.client.TokenSourceException;
import io.latchkey.client.TokenSourceListener;
import io.latchkey.client.TokenSourceListener.Grant;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The token a {@link io.latchkey.client.TokenSource} hands out, and its renewal.
 *
 * <p><b>Hot path.</b> A fresh token is one volatile read and one clock read: no lock.
 *
 * <p><b>Single flight.</b> When the token needs renewing, the callers race to install a future in
 * {@link #flight}; the one whose compare-and-set wins (the leader) talks to the server on its own
 * thread, the others join its future. So any number of threads cause at most one request at a
 * time. A joiner whose token is still valid (only due for <em>proactive</em> renewal) does not
 * even wait: it keeps using the token in hand. One whose token has expired waits, at most
 * {@code waitTimeout}.
 *
 * <p><b>Renewal.</b> With the refresh token first (RFC 6749 §6); if the server answers
 * {@code invalid_grant} — the token was rotated by another instance, revoked, or expired — with
 * the client credentials (§4.4). {@code invalid_client} ends it: that is
 * {@link InvalidClientException}, never retried.
 */
public final class TokenCache {
    static final Duration DEFAULT_MAX_LEAD = Duration.ofSeconds(60);

    private final TokenGrants grants;
    private final Retrier retrier;
    private final Clock clock;
    private final Duration fixedLead;
    private final Duration waitTimeout;
    private final TokenSourceListener listener;
    private final String clientId;
    private final AtomicReference<CompletableFuture<CachedToken>> flight = new AtomicReference<>();
    private volatile CachedToken current;

    /**
     * @param fixedLead how long before expiry to renew, or {@code null} for the default: 60 s or a
     *                  tenth of the token's lifetime, whichever is less
     */
    public TokenCache(TokenGrants grants, Retrier retrier, Clock clock, Duration fixedLead, Duration waitTimeout,
                      TokenSourceListener listener, String clientId) {
        this.grants = grants;
        this.retrier = retrier;
        this.clock = clock;
        this.fixedLead = fixedLead;
        this.waitTimeout = waitTimeout;
        this.listener = listener;
        this.clientId = clientId;
    }

    /** A valid access token, renewed first when it is due. */
    public String accessToken() {
        CachedToken seen = current;
        if (seen != null && seen.freshAt(clock.instant())) {
            return seen.accessToken();
        }
        return obtain(null).accessToken();
    }

    /**
     * A token other than {@code rejected}, which a protected API refused (RFC 6750 §3.1
     * {@code invalid_token}) though it had not expired: it may have been revoked. Many threads
     * refused the same token cause one renewal between them.
     */
    public String renewRejected(String rejected) {
        return obtain(rejected).accessToken();
    }

    private CachedToken obtain(String rejected) {
        while (true) {
            CompletableFuture<CachedToken> running = flight.get();
            if (running == null) {
                CompletableFuture<CachedToken> mine = new CompletableFuture<>();
                if (flight.compareAndSet(null, mine)) {
                    return lead(mine, rejected);
                }
                continue;
            }
            CachedToken latest = current;
            if (rejected == null && latest != null && latest.usableAt(clock.instant())) {
                return latest; // a renewal is under way and the token in hand still works
            }
            CachedToken renewed = await(running);
            if (rejected == null || !renewed.accessToken().equals(rejected)) {
                return renewed;
            }
            // That flight was a proactive renewal that kept the refused token: renew it ourselves.
        }
    }

    private CachedToken lead(CompletableFuture<CachedToken> mine, String rejected) {
        try {
            CachedToken latest = current;
            if (latest != null && goodEnough(latest, rejected, clock.instant())) {
                // Another flight finished between our look at the cache and our winning this one.
                mine.complete(latest);
                return latest;
            }
            CachedToken fresh;
            try {
                fresh = fetch(latest);
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
                if (rejected == null && latest != null && latest.usableAt(clock.instant())
                        && !(e instanceof InvalidClientException)) {
                    return latest; // only a proactive renewal failed: the next call tries again
                }
                throw e;
            }
            current = fresh;
            mine.complete(fresh);
            return fresh;
        } finally {
            flight.compareAndSet(mine, null);
        }
    }

    private static boolean goodEnough(CachedToken token, String rejected, Instant now) {
        return rejected == null ? token.freshAt(now) : token.usableAt(now) && !token.accessToken().equals(rejected);
    }

    private CachedToken fetch(CachedToken latest) {
        try {
            if (latest != null && latest.refreshToken() != null) {
                try {
                    TokenResponse refreshed = retrier.call(() -> grants.refresh(latest.refreshToken()));
                    return remember(refreshed, Grant.REFRESH_TOKEN, latest.refreshToken());
                } catch (TokenEndpointException e) {
                    if (!e.isError("invalid_grant")) {
                        throw e;
                    }
                    listener.refreshRefused();
                }
            }
            return remember(retrier.call(grants::clientCredentials), Grant.CLIENT_CREDENTIALS, null);
        } catch (TokenEndpointException e) {
            if (e.isError("invalid_client")) {
                throw new InvalidClientException(clientId);
            }
            throw new TokenSourceException("Latchkey's token endpoint refused to issue a token for client '"
                    + clientId + "': " + e.getMessage(), e);
        } catch (IOException e) {
            throw new TokenSourceException("Could not get a token from Latchkey for client '" + clientId + "': "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenSourceException("Interrupted while getting a token for client '" + clientId + "'", e);
        }
    }

    /** RFC 6749 §6: a refresh answer without a new refresh token leaves the old one in force. */
    private CachedToken remember(TokenResponse response, Grant grant, String previousRefreshToken) {
        Instant expiresAt = response.expiresAt();
        CachedToken token = new CachedToken(response.accessToken(),
                response.refreshToken() != null ? response.refreshToken() : previousRefreshToken,
                expiresAt, expiresAt.minus(lead(response.lifetime())));
        listener.tokenObtained(grant, expiresAt);
        return token;
    }

    Duration lead(Duration lifetime) {
        Duration lead = fixedLead;
        if (lead == null) {
            Duration tenth = lifetime.dividedBy(10);
            lead = tenth.compareTo(DEFAULT_MAX_LEAD) < 0 ? tenth : DEFAULT_MAX_LEAD;
        }
        return lead.compareTo(lifetime) > 0 ? lifetime : lead;
    }

    private CachedToken await(CompletableFuture<CachedToken> running) {
        try {
            return running.get(waitTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new TokenSourceException("Waited " + waitTimeout + " for the token request of client '"
                    + clientId + "' that another thread is making; it has not finished.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenSourceException("Interrupted while waiting for a token for client '" + clientId + "'", e);
        } catch (ExecutionException e) {
            // A fresh exception per waiter, so each carries its own stack; the type is what callers catch.
            Throwable cause = e.getCause();
            if (cause instanceof InvalidClientException) {
                throw new InvalidClientException(clientId);
            }
            throw new TokenSourceException(cause.getMessage(), cause);
        }
    }
}
