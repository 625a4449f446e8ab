package io.latchkey.client.internal;

import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Keys fetched from the server as a JWK set: the public JWKS (RFC 7517, its URL from the
 * metadata's {@code jwks_uri}), or the shared access-token keys of
 * {@code GET /admin/keys/access-token} with an API key (a {@code verifier} key is enough).
 *
 * <p>Fetched on first use, then only when a token names a {@code kid} the set lacks — a key
 * rotation — and such refetches at most once per {@code refetchInterval}, so a stream of tokens
 * with made-up key ids costs the server one request per interval, not one per token. (The first
 * fetch does not count: a rotation just after start-up is picked up at once.) Fetches happen
 * under this object's lock: threads meeting the same new {@code kid} cause one request, and
 * threads whose keys are known never touch the lock. While no key was ever fetched, a failed
 * fetch is retried at most once per {@link #FIRST_FETCH_RETRY}.
 */
public final class RemoteKeySource implements KeySource {
    static final Duration FIRST_FETCH_RETRY = Duration.ofSeconds(1);

    private final JsonHttp http;
    private final EndpointLocator location;
    private final String apiKey;
    private final Clock clock;
    private final Duration refetchInterval;
    private volatile KeySet keys;
    private Instant lastFirstFetch;
    private Instant lastRefetch;

    /** @param apiKey sent as {@code X-API-Key}, or {@code null} for the public JWKS */
    public RemoteKeySource(JsonHttp http, EndpointLocator location, String apiKey, Clock clock, Duration refetchInterval) {
        this.http = http;
        this.location = location;
        this.apiKey = apiKey;
        this.clock = clock;
        this.refetchInterval = refetchInterval;
    }

    @Override
    public KeySet keys() throws KeysUnavailableException {
        KeySet known = keys;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (keys != null) {
                return keys;
            }
            Instant now = clock.instant();
            if (lastFirstFetch != null && now.isBefore(lastFirstFetch.plus(FIRST_FETCH_RETRY))) {
                throw new KeysUnavailableException("the verification keys could not be fetched", null);
            }
            lastFirstFetch = now;
            try {
                keys = fetch();
                return keys;
            } catch (IOException | ParseException e) {
                throw new KeysUnavailableException("the verification keys could not be fetched: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KeysUnavailableException("interrupted while fetching the verification keys", e);
            }
        }
    }

    @Override
    public synchronized KeySet refetch(KeySet seen) {
        if (keys != seen) {
            return keys; // another thread refetched while this one waited for the lock
        }
        Instant now = clock.instant();
        if (lastRefetch != null && now.isBefore(lastRefetch.plus(refetchInterval))) {
            return keys;
        }
        lastRefetch = now;
        try {
            keys = fetch();
        } catch (IOException | ParseException e) {
            // Keep what we have: tokens signed by the known keys still verify.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return keys;
    }

    private KeySet fetch() throws IOException, InterruptedException, ParseException {
        URI uri = location.locate();
        HttpRequest.Builder request = JsonHttp.request(uri).GET();
        if (apiKey != null) {
            request.header("X-API-Key", apiKey);
        }
        JsonHttp.Answer answer = http.send(request.build());
        if (!answer.ok()) {
            throw new IOException(uri + " answered HTTP " + answer.status());
        }
        Map<String, Object> body = answer.json().orElseThrow(() -> new IOException(uri + " answered no JSON object"));
        return KeySet.of(JWKSet.parse(body));
    }

    @Override
    public String toString() {
        return "RemoteKeySource[" + keys + "]"; // never the API key
    }
}
