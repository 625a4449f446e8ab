package io.latchkey.client;

import io.latchkey.client.internal.ClientAuthentication;
import io.latchkey.client.internal.DpopSigner;
import io.latchkey.client.internal.EndpointLocator;
import io.latchkey.client.internal.JsonHttp;
import io.latchkey.client.internal.PipelineTokenGrants;
import io.latchkey.client.internal.PrivateKeyJwtAssertions;
import io.latchkey.client.internal.Retrier;
import io.latchkey.client.internal.Sleeper;
import io.latchkey.client.internal.StandardTokenGrants;
import io.latchkey.client.internal.TokenCache;
import io.latchkey.client.internal.TokenGrants;
import io.latchkey.client.internal.Urls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLContext;

/**
 * Access tokens for one client, without thinking about them: fetched with client_credentials on
 * first use, cached, renewed with the refresh token shortly before they expire (falling back to
 * client_credentials when the refresh token is refused), one request to the server however many
 * threads ask at once, transient failures retried with backoff. Thread-safe; make one per client
 * and share it.
 *
 * <pre>{@code
 * TokenSource tokens = TokenSource.builder(URI.create("https://auth.example.com"), clientId, clientSecret).build();
 * HttpResponse<String> orders = tokens.send(http, HttpRequest.newBuilder(ordersUri), BodyHandlers.ofString());
 * }</pre>
 *
 * <p>A {@code private_key_jwt} client has no secret: it signs a fresh assertion for each token
 * request with its private key (RFC 7523 §2.2).
 *
 * <pre>{@code
 * TokenSource tokens = TokenSource.builder(URI.create("https://auth.example.com"), clientId)
 *         .privateKeyJwt(privateKey, "acme-2025", "ES256").build();
 * }</pre>
 */
public final class TokenSource {
    private final TokenCache cache;
    private final String clientId;
    private final URI server;
    private final DpopSigner dpop;

    private TokenSource(TokenCache cache, String clientId, URI server, DpopSigner dpop) {
        this.cache = cache;
        this.clientId = clientId;
        this.server = server;
        this.dpop = dpop;
    }

    /** A source for the Latchkey at {@code serverUrl} (its base URL, as in {@code https://auth.example.com}). */
    public static Builder builder(URI serverUrl, String clientId, String clientSecret) {
        return new Builder(serverUrl, null, clientId, Objects.requireNonNull(clientSecret, "clientSecret"));
    }

    /**
     * A source for a client without a secret, at the Latchkey at {@code serverUrl}: one of {@code
     * private_key_jwt}, which signs an assertion with the key of {@link Builder#privateKeyJwt}, or
     * of {@code tls_client_auth} or {@code self_signed_tls_client_auth}, which authenticates with
     * the client certificate of {@link Builder#sslContext} (RFC 8705 §2) and sends only its
     * {@code client_id}.
     */
    public static Builder builder(URI serverUrl, String clientId) {
        return new Builder(serverUrl, null, clientId, null);
    }

    /**
     * A source for the server whose RFC 8414 metadata is at {@code metadataUrl}; its token
     * endpoint is read from there on first use.
     */
    public static Builder builderFromMetadata(URI metadataUrl, String clientId, String clientSecret) {
        return new Builder(null, metadataUrl, clientId, Objects.requireNonNull(clientSecret, "clientSecret"));
    }

    /** As {@link #builderFromMetadata(URI, String, String)}, for a client without a secret ({@link Builder#privateKeyJwt}). */
    public static Builder builderFromMetadata(URI metadataUrl, String clientId) {
        return new Builder(null, metadataUrl, clientId, null);
    }

    /**
     * A valid access token: the cached one, or a new one when it is due for renewal.
     *
     * @throws InvalidClientException when the server refuses the client's credentials
     * @throws TokenSourceException   when no token could be had, after retries
     */
    public String accessToken() {
        return cache.accessToken();
    }

    /**
     * Sets {@code Authorization: Bearer <token>} (RFC 6750 §2.1) on {@code request}; returns it.
     * With {@link Builder#dpop}, sets {@code Authorization: DPoP <token>} and a fresh {@code DPoP}
     * proof of this request's method and URI instead (RFC 9449 §7.1): authorize each request
     * anew, since a proof is good for one request only.
     */
    public HttpRequest.Builder authorize(HttpRequest.Builder request) {
        return authorize(request, accessToken());
    }

    /**
     * Sends {@code request} with a bearer token (with {@link Builder#dpop}, a DPoP-bound token and
     * a fresh proof for each attempt). When the protected API answers 401 — the token
     * was revoked, or the API's clock is ahead — gets a new token once and sends once more; the
     * second answer is returned whatever it is. The request's body publisher must be one that can
     * be sent twice (those of {@link HttpRequest.BodyPublishers} for strings, bytes and files are).
     */
    public <T> HttpResponse<T> send(HttpClient client, HttpRequest.Builder request,
                                    HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
        String token = accessToken();
        HttpResponse<T> response = client.send(withToken(request, token), handler);
        if (response.statusCode() != 401) {
            return response;
        }
        return client.send(withToken(request, cache.renewRejected(token)), handler);
    }

    private HttpRequest withToken(HttpRequest.Builder request, String token) {
        return authorize(request.copy(), token).build();
    }

    private HttpRequest.Builder authorize(HttpRequest.Builder request, String token) {
        if (dpop == null) {
            return request.setHeader("Authorization", "Bearer " + token);
        }
        HttpRequest target = request.copy().build(); // its method and URI, for htm and htu
        return request.setHeader("Authorization", "DPoP " + token)
                .setHeader(DpopSigner.HEADER, dpop.proof(target.method(), target.uri(), token));
    }

    @Override
    public String toString() {
        return "TokenSource[clientId=" + clientId + ", server=" + server + "]"; // never the secret or a token
    }

    /** Configures a {@link TokenSource}; every setting has a default. */
    public static final class Builder {
        private final URI serverUrl;
        private final URI metadataUrl;
        private final String clientId;
        private final String clientSecret;
        private TokenEndpointStyle style = TokenEndpointStyle.STANDARD;
        private String scope;
        private String resource;
        private Duration refreshLeadTime;
        private Duration waitTimeout = Duration.ofSeconds(30);
        private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
        private Clock clock = Clock.systemUTC();
        private HttpClient httpClient;
        private TokenSourceListener listener = TokenSourceListener.NONE;
        private Sleeper sleeper = Sleeper.REAL;
        private PrivateKey assertionKey;
        private String assertionKid;
        private String assertionAlg;
        private SSLContext sslContext;
        private KeyPair dpopKeys;

        private Builder(URI serverUrl, URI metadataUrl, String clientId, String clientSecret) {
            this.serverUrl = serverUrl;
            this.metadataUrl = metadataUrl;
            this.clientId = Objects.requireNonNull(clientId, "clientId");
            this.clientSecret = clientSecret;
        }

        /**
         * Authenticates with {@code private_key_jwt} (RFC 7523 §2.2) instead of a secret: each
         * token request carries a new assertion signed with {@code key} — {@code iss} and {@code
         * sub} the client id, {@code aud} the token endpoint, a 60-second lifetime, a random
         * {@code jti} — whose public half the client registered (its {@code jwks} or {@code jwksUri}).
         *
         * @param kid the key's id in the registered JWK set, or null when the set has one key
         * @param alg {@code RS256} or {@code PS256} (an RSA key), {@code ES256} (EC on P-256) or
         *            {@code EdDSA} (Ed25519)
         * @throws IllegalArgumentException for another algorithm, or a key that cannot sign it
         */
        public Builder privateKeyJwt(PrivateKey key, String kid, String alg) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(alg, "alg");
            new PrivateKeyJwtAssertions(clientId, key, kid, alg, clock, new SecureRandom()); // checks key and alg now
            this.assertionKey = key;
            this.assertionKid = kid;
            this.assertionAlg = alg;
            return this;
        }

        /**
         * The TLS context to reach the server with, holding the client's certificate and key (RFC
         * 8705 §2) in its key managers: the server then issues certificate-bound tokens ({@code
         * cnf.x5t#S256}), which an API accepts only over a connection with the same certificate.
         * Ignored when {@link #httpClient} is given: configure that client's context instead.
         */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext);
            return this;
        }

        /** Which endpoint to speak to; default {@link TokenEndpointStyle#STANDARD}. */
        public Builder endpoint(TokenEndpointStyle style) {
            this.style = Objects.requireNonNull(style);
            return this;
        }

        /** The scope to ask for (space-delimited, RFC 6749 §3.3); default: the client's own scopes. */
        public Builder scope(String scope) {
            this.scope = scope;
            return this;
        }

        /**
         * The API to ask tokens for (RFC 8707 {@code resource}): the identifier it is registered
         * with, which its tokens then carry as {@code aud}. Default: none, the server's own audience.
         */
        public Builder resource(String resource) {
            this.resource = resource;
            return this;
        }

        /**
         * How long before its expiry a token is renewed. Default: 60 s or a tenth of the token's
         * lifetime, whichever is less.
         */
        public Builder refreshLeadTime(Duration leadTime) {
            if (leadTime.isNegative()) {
                throw new IllegalArgumentException("the lead time cannot be negative");
            }
            this.refreshLeadTime = leadTime;
            return this;
        }

        /** How long a caller waits for another thread's token request before giving up; default 30 s. */
        public Builder waitTimeout(Duration waitTimeout) {
            if (waitTimeout.isNegative() || waitTimeout.isZero()) {
                throw new IllegalArgumentException("the wait timeout must be positive");
            }
            this.waitTimeout = waitTimeout;
            return this;
        }

        /** Retries of failed token requests; default {@link RetryPolicy#DEFAULT}. */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy);
            return this;
        }

        /** The clock that expiry is judged by; default the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** The HTTP client to reach the server with; default a new one with a 5 s connect timeout. */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient);
            return this;
        }

        /**
         * Sender-constrained tokens (RFC 9449 DPoP): every token request carries a fresh proof made
         * with {@code keys} (EC P-256 for ES256, Ed25519 for EdDSA, or RSA of at least 2048 bits for
         * PS256), so the tokens are bound to the key ({@code cnf.jkt}) and worthless to anyone
         * without it; {@link #send} and {@link #authorize} then add a proof to each API call. A
         * server nonce (RFC 9449 §8) is picked up and retried with by itself. A server that
         * answers a bearer token instead is an error, not a silent downgrade.
         */
        public Builder dpop(KeyPair keys) {
            this.dpopKeys = Objects.requireNonNull(keys, "keys");
            return this;
        }

        public Builder listener(TokenSourceListener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        /** Tests wait on a clock they move, not on the wall. */
        Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper);
            return this;
        }

        /** A secret, a private key, or (neither) a TLS client certificate; the pipeline endpoint takes only a secret. */
        private ClientAuthentication authentication() {
            if (clientSecret != null && assertionKey != null) {
                throw new IllegalStateException("A client authenticates with its secret or with privateKeyJwt, not both");
            }
            if (assertionKey != null) {
                return new PrivateKeyJwtAssertions(clientId, assertionKey, assertionKid, assertionAlg, clock,
                        new SecureRandom());
            }
            // Without a secret the client authenticates with its TLS certificate and names itself (RFC 8705 §2).
            return clientSecret == null ? ClientAuthentication.named(clientId)
                    : ClientAuthentication.secretBasic(clientId, clientSecret);
        }

        public TokenSource build() {
            if (clientSecret == null && assertionKey == null
                    && (sslContext == null && httpClient == null || style == TokenEndpointStyle.PIPELINE)) {
                throw new IllegalStateException("A client without a secret authenticates with privateKeyJwt(…) or "
                        + "with its TLS client certificate: give sslContext(…) (the pipeline endpoint takes only a secret)");
            }
            if (clientSecret == null && style == TokenEndpointStyle.PIPELINE) {
                throw new IllegalStateException("The pipeline endpoint authenticates clients by their secret only");
            }
            JsonHttp http = new JsonHttp(httpClient != null ? httpClient
                    : sslContext != null ? JsonHttp.clientWith(sslContext) : JsonHttp.defaultClient());
            boolean pipeline = style == TokenEndpointStyle.PIPELINE;
            EndpointLocator endpoint = serverUrl != null
                    ? EndpointLocator.fixed(Urls.resolve(serverUrl,
                            pipeline ? EndpointLocator.PIPELINE_PATH : EndpointLocator.STANDARD_PATH))
                    : EndpointLocator.fromMetadata(http, metadataUrl, pipeline);
            DpopSigner dpop = dpopKeys == null ? null : new DpopSigner(dpopKeys, clock);
            TokenGrants grants = pipeline
                    ? new PipelineTokenGrants(http, endpoint, clientId, clientSecret, scope, resource, clock, dpop)
                    : new StandardTokenGrants(http, endpoint, authentication(), scope, resource, clock, dpop);
            Retrier retrier = new Retrier(retryPolicy, sleeper, () -> ThreadLocalRandom.current().nextDouble(),
                    listener);
            TokenCache cache = new TokenCache(grants, retrier, clock, refreshLeadTime, waitTimeout, listener, clientId);
            return new TokenSource(cache, clientId, serverUrl != null ? serverUrl : Urls.baseOf(metadataUrl), dpop);
        }
    }
}
