package io.latchkey.client.internal;

import io.latchkey.client.TokenRejectedException;
import io.latchkey.client.TokenRejectedException.Reason;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Asks the server whether a token that verified offline is still active (RFC 7662), for APIs that
 * must stop accepting a deleted client's or a revoked token within seconds rather than at the
 * token's expiry. Answers, active or not, are cached for {@code cacheTtl}: that is how long a
 * revocation can go unnoticed, and how often one token costs a request.
 *
 * <p>Fails closed: when the endpoint cannot be reached the token is refused as
 * {@link Reason#UNAVAILABLE} (a 503), not waved through.
 */
public final class Introspection {
    static final int MAX_CACHED = 10_000;

    private record Verdict(boolean active, Instant until) {
    }

    private final JsonHttp http;
    private final EndpointLocator endpoint;
    private final String headerName;
    private final String headerValue;
    private final Duration cacheTtl;
    private final Clock clock;
    private final ConcurrentHashMap<String, Verdict> verdicts = new ConcurrentHashMap<>();

    /**
     * @param headerName  {@code Authorization} (a client's Basic credentials) or {@code X-API-Key}
     * @param headerValue its value
     */
    public Introspection(JsonHttp http, EndpointLocator endpoint, String headerName, String headerValue,
                         Duration cacheTtl, Clock clock) {
        this.http = http;
        this.endpoint = endpoint;
        this.headerName = headerName;
        this.headerValue = headerValue;
        this.cacheTtl = cacheTtl;
        this.clock = clock;
    }

    /** Basic credentials of a client, as {@code /oauth2/introspect} takes them (RFC 6749 §2.3.1). */
    public static String basic(String clientId, String clientSecret) {
        return StandardTokenGrants.basic(clientId, clientSecret);
    }

    /**
     * @param cacheKey what identifies the token in the cache: its {@code jti}, which only a token
     *                 with a valid signature reaches here with
     */
    void requireActive(String token, String cacheKey) throws TokenRejectedException {
        Instant now = clock.instant();
        Verdict cached = verdicts.get(cacheKey);
        if (cached == null || !now.isBefore(cached.until())) {
            cached = new Verdict(ask(token), now.plus(cacheTtl));
            if (verdicts.size() >= MAX_CACHED) {
                evictExpired(now);
            }
            verdicts.put(cacheKey, cached);
        }
        if (!cached.active()) {
            throw new TokenRejectedException(Reason.REVOKED);
        }
    }

    private boolean ask(String token) throws TokenRejectedException {
        try {
            String form = "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&token_type_hint=access_token";
            HttpRequest request = JsonHttp.request(endpoint.locate())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header(headerName, headerValue)
                    .POST(HttpRequest.BodyPublishers.ofString(form))
                    .build();
            JsonHttp.Answer answer = http.send(request);
            if (!answer.ok()) {
                throw new IOException("the introspection endpoint answered HTTP " + answer.status());
            }
            Object active = answer.json().map(body -> body.get("active")).orElse(null);
            if (!(active instanceof Boolean)) {
                throw new IOException("the introspection endpoint answered no 'active' boolean");
            }
            return (Boolean) active;
        } catch (IOException e) {
            throw new TokenRejectedException(Reason.UNAVAILABLE, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenRejectedException(Reason.UNAVAILABLE, e);
        }
    }

    private void evictExpired(Instant now) {
        for (Iterator<Map.Entry<String, Verdict>> it = verdicts.entrySet().iterator(); it.hasNext(); ) {
            if (!now.isBefore(it.next().getValue().until())) {
                it.remove();
            }
        }
        if (verdicts.size() >= MAX_CACHED) {
            verdicts.clear(); // all fresh: forgetting them costs re-asking, never a wrong answer
        }
    }

    @Override
    public String toString() {
        return "Introspection[" + headerName + ", cacheTtl=" + cacheTtl + "]"; // never the credential
    }
}
