package io.latchkey.client;

import com.nimbusds.jose.jwk.JWKSet;
import io.latchkey.client.internal.AccessTokenCheck;
import io.latchkey.client.internal.EndpointLocator;
import io.latchkey.client.internal.DpopProofCheck;
import io.latchkey.client.internal.Introspection;
import io.latchkey.client.internal.JsonHttp;
import io.latchkey.client.internal.KeySource;
import io.latchkey.client.internal.KeySet;
import io.latchkey.client.internal.LazyMetadata;
import io.latchkey.client.internal.RemoteKeySource;
import io.latchkey.client.internal.RevocationFollower;
import io.latchkey.client.internal.Sleeper;
import io.latchkey.client.internal.ServerMetadata;
import io.latchkey.client.internal.Urls;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies Latchkey access tokens where they are used: offline, in microseconds — the signature
 * (HS256 with the shared key, or ES256/RS256/EdDSA with the server's published keys), the type
 * ({@code typ: at+jwt}, so a refresh token is never taken for an access token), issuer, audience,
 * expiry and scopes — and whether the server has revoked it since: by default a verifier that
 * holds a credential for the server (an API key, or a client's id and secret) follows the
 * server's revocation feed ({@code GET /oauth2/revocations}, SPEC §9) with one long poll, so a
 * revoked token, a revoked refresh family or a deleted client is refused within about a second,
 * with no call per request; it refuses every token once it has not read the feed for
 * {@linkplain Builder#revocationFeedMaxStaleness a while}. It may also ask introspection.
 * Thread-safe; make one per API, share it, and {@link #close} it when the API stops.
 *
 * <pre>{@code
 * TokenVerifier verifier = TokenVerifier.builder(URI.create("https://auth.example.com"))
 *         .revocationFeedWithApiKey(verifierApiKey).requiredScopes("orders:read").build();
 * TokenPrincipal caller = verifier.verifyAuthorization(request.getHeader("Authorization"));
 * }</pre>
 */
public final class TokenVerifier implements AutoCloseable {
    private static final String BEARER = "Bearer ";
    private static final String DPOP = "DPoP ";

    private final AccessTokenCheck check;
    private final Set<String> requiredScopes;
    private final String issuer;
    private final RevocationFollower revocations;
    private final DpopProofCheck proofs;

    private TokenVerifier(AccessTokenCheck check, Set<String> requiredScopes, String issuer,
                          RevocationFollower revocations, DpopProofCheck proofs) {
        this.check = check;
        this.requiredScopes = requiredScopes;
        this.issuer = issuer;
        this.revocations = revocations;
        this.proofs = proofs;
    }

    /** How this verifier follows the revocation feed: for a health check or a gauge. */
    public RevocationFeedStatus revocationFeedStatus() {
        return revocations == null ? new RevocationFeedStatus(false, null, false, 0) : revocations.status();
    }

    /** Stops following the revocation feed. */
    @Override
    public void close() {
        if (revocations != null) {
            revocations.close();
        }
    }

    /**
     * A verifier for tokens of the Latchkey at {@code serverUrl}. Its issuer is taken to be that
     * URL (Latchkey's default) unless {@link Builder#issuer} says otherwise; its keys come from the
     * server's JWKS unless a shared key is configured.
     */
    public static Builder builder(URI serverUrl) {
        return new Builder(serverUrl);
    }

    /**
     * The principal of a valid bearer access token carrying the configured scopes. A DPoP-bound
     * token is refused here ({@link TokenRejectedException.Reason#DPOP_BOUND}, RFC 9449 §7.1):
     * its proof is checked by {@link #verifyDpop} or {@link #verifyRequest}.
     */
    public TokenPrincipal verify(String accessToken) throws TokenRejectedException {
        return check.verify(accessToken, requiredScopes);
    }

    /** The principal of a valid access token carrying the configured scopes and {@code scopes}. */
    public TokenPrincipal verify(String accessToken, Collection<String> scopes) throws TokenRejectedException {
        if (scopes.isEmpty()) {
            return verify(accessToken);
        }
        HashSet<String> all = new HashSet<>(requiredScopes);
        all.addAll(scopes);
        return check.verify(accessToken, Set.copyOf(all));
    }

    /**
     * The principal of a valid access token presented on a connection whose client certificate is
     * {@code clientCertificate} (null when it had none): a certificate-bound token ({@code
     * cnf.x5t#S256}, RFC 8705 §3) counts only with that very certificate, and {@link #verify(String)}
     * refuses it ({@link TokenRejectedException.Reason#CERTIFICATE_MISMATCH}). The configured scopes
     * and {@code scopes} are required.
     */
    public TokenPrincipal verify(String accessToken, Collection<String> scopes, X509Certificate clientCertificate)
            throws TokenRejectedException {
        HashSet<String> all = new HashSet<>(requiredScopes);
        all.addAll(scopes);
        return check.verify(accessToken, Set.copyOf(all), clientCertificate);
    }

    /** As {@link #verifyAuthorization(String)}, on a connection with {@code clientCertificate} (or none). */
    public TokenPrincipal verifyAuthorization(String authorizationHeader, X509Certificate clientCertificate)
            throws TokenRejectedException {
        return verify(bearerToken(authorizationHeader), Set.of(), clientCertificate);
    }

    /**
     * Verifies the token of an {@code Authorization} header's value (RFC 6750 §2.1:
     * {@code Bearer <token>}, the scheme in any case). A missing header or another scheme is
     * {@link TokenRejectedException.Reason#MISSING_TOKEN}.
     */
    public TokenPrincipal verifyAuthorization(String authorizationHeader) throws TokenRejectedException {
        return verify(bearerToken(authorizationHeader));
    }

    /**
     * The principal of a DPoP-bound access token presented with {@code proof} (RFC 9449 §7.1) on a
     * request of {@code method} to {@code uri} (the URI the client called, as it sees it): the
     * token as {@link #verify(String)} checks it, and a proof of this very request, carrying the
     * token's hash, signed by the key the token is bound to ({@code cnf.jkt}), fresh and not
     * seen before by this verifier. A token that is not DPoP-bound is refused here.
     */
    public TokenPrincipal verifyDpop(String accessToken, String proof, String method, URI uri)
            throws TokenRejectedException {
        return verifyDpop(accessToken, proof, method, uri, List.of(), null);
    }

    private TokenPrincipal verifyDpop(String accessToken, String proof, String method, URI uri,
                                      Collection<String> scopes, X509Certificate clientCertificate)
            throws TokenRejectedException {
        AccessTokenCheck.Checked checked = check.check(accessToken, withConfigured(scopes), clientCertificate);
        if (checked.jkt() == null) {
            throw new TokenRejectedException(TokenRejectedException.Reason.MALFORMED); // a bearer token in DPoP's clothes
        }
        proofs.verify(proof, method, uri == null ? null : uri.toString(), accessToken, checked.jkt());
        return checked.principal();
    }

    /**
     * Verifies a request's credentials whichever scheme it uses: {@code Authorization: Bearer}
     * for a bearer token (a DPoP-bound one refused), or {@code Authorization: DPoP} with exactly
     * one {@code DPoP} proof header ({@code dpopHeaders}, all its values), as {@link #verifyDpop}.
     */
    public TokenPrincipal verifyRequest(String authorization, List<String> dpopHeaders, String method, URI uri,
                                        Collection<String> scopes) throws TokenRejectedException {
        return verifyRequest(authorization, dpopHeaders, method, uri, scopes, null);
    }

    /**
     * As {@link #verifyRequest(String, List, String, URI, Collection)}, on a connection whose client
     * certificate is {@code clientCertificate} (null when it had none), which a certificate-bound
     * token ({@code cnf.x5t#S256}, RFC 8705 §3) needs, whichever scheme presents it.
     */
    public TokenPrincipal verifyRequest(String authorization, List<String> dpopHeaders, String method, URI uri,
                                        Collection<String> scopes, X509Certificate clientCertificate)
            throws TokenRejectedException {
        if (isDpopScheme(authorization)) {
            String token = authorization.substring(DPOP.length()).trim();
            if (token.isEmpty()) {
                throw new TokenRejectedException(TokenRejectedException.Reason.MALFORMED);
            }
            if (dpopHeaders == null || dpopHeaders.size() != 1) {
                throw new TokenRejectedException(TokenRejectedException.Reason.INVALID_DPOP_PROOF);
            }
            return verifyDpop(token, dpopHeaders.get(0), method, uri, scopes, clientCertificate);
        }
        return clientCertificate == null ? verify(bearerToken(authorization), scopes)
                : verify(bearerToken(authorization), scopes, clientCertificate);
    }

    /** Whether an {@code Authorization} value uses the DPoP scheme (RFC 9449 §7.1; schemes are case-insensitive). */
    static boolean isDpopScheme(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, DPOP, 0, DPOP.length());
    }

    private Set<String> withConfigured(Collection<String> scopes) {
        if (scopes.isEmpty()) {
            return requiredScopes;
        }
        HashSet<String> all = new HashSet<>(requiredScopes);
        all.addAll(scopes);
        return Set.copyOf(all);
    }

    static String bearerToken(String authorization) throws TokenRejectedException {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new TokenRejectedException(TokenRejectedException.Reason.MISSING_TOKEN);
        }
        String token = authorization.substring(BEARER.length()).trim();
        if (token.isEmpty()) {
            throw new TokenRejectedException(TokenRejectedException.Reason.MALFORMED);
        }
        return token;
    }

    @Override
    public String toString() {
        return "TokenVerifier[issuer=" + issuer + ", requiredScopes=" + requiredScopes + "]";
    }

    /** Configures a {@link TokenVerifier}. */
    public static final class Builder {
        private final URI serverUrl;
        private String issuer;
        private String audience;
        private Duration clockSkew = Duration.ofSeconds(30);
        private Set<String> requiredScopes = Set.of();
        private KeySource fixedKeys;
        private String sharedKeyApiKey;
        private Duration keyRefetchInterval = Duration.ofSeconds(30);
        private String introspectionHeader;
        private String introspectionCredential;
        private Duration introspectionCacheTtl = Duration.ofSeconds(10);
        private Clock clock = Clock.systemUTC();
        private HttpClient httpClient;
        private boolean followRevocations = true;
        private String feedHeader;
        private String feedCredential;
        private Duration feedMaxStaleness = Duration.ofSeconds(60);
        private RevocationFeedListener feedListener = new RevocationFeedListener() { };
        private java.util.function.LongSupplier feedTicker = System::nanoTime;

        private Builder(URI serverUrl) {
            this.serverUrl = Objects.requireNonNull(serverUrl, "serverUrl");
        }

        /** The expected {@code iss}: the server's {@code LATCHKEY_ISSUER}. Default: the server URL. */
        public Builder issuer(String issuer) {
            this.issuer = Objects.requireNonNull(issuer);
            return this;
        }

        /** The {@code aud} this API must find in a token: the server's {@code LATCHKEY_AUDIENCE}. Default: the issuer. */
        public Builder audience(String audience) {
            this.audience = Objects.requireNonNull(audience);
            return this;
        }

        /** How far this machine's clock may be off the server's, for {@code exp}, {@code nbf} and {@code iat}; default 30 s. */
        public Builder clockSkew(Duration skew) {
            if (skew.isNegative()) {
                throw new IllegalArgumentException("the clock skew cannot be negative");
            }
            this.clockSkew = skew;
            return this;
        }

        /** Scopes every token must carry (RFC 6749 §3.3); default none. */
        public Builder requiredScopes(String... scopes) {
            this.requiredScopes = Set.of(scopes);
            return this;
        }

        /** Verify HS256 tokens with this shared key (the server's access-token secret), and nothing else. */
        public Builder sharedKey(byte[] secret) {
            this.fixedKeys = KeySource.fixed(KeySet.ofSecret(secret));
            this.sharedKeyApiKey = null;
            return this;
        }

        /** Verify with these keys only: a JWK set as JSON (public keys, or {@code oct} secrets for HS256). */
        public Builder keys(String jwkSetJson) {
            try {
                this.fixedKeys = KeySource.fixed(KeySet.of(JWKSet.parse(jwkSetJson)));
            } catch (ParseException e) {
                throw new IllegalArgumentException("not a JWK set: " + e.getMessage(), e);
            }
            this.sharedKeyApiKey = null;
            return this;
        }

        /**
         * Fetch the HS256 shared keys from the server's {@code GET /admin/keys/access-token} with an
         * API key, and refetch them when a token names a new key. Give it a {@code verifier} key
         * ({@code latchkey apikey create --role verifier}), which reads verification keys and
         * introspects and can change nothing; never an admin key.
         *
         * <p>Even a verifier key hands over the HMAC secret, and whoever holds that can mint tokens
         * every API of this server accepts: keep it as secret as the shared key itself, and when
         * the APIs are not all trusted alike, have the server sign with EdDSA instead, whose
         * public keys this verifier fetches from the JWKS with no API key at all.
         */
        public Builder sharedKeysFromServer(String verifierApiKey) {
            this.sharedKeyApiKey = Objects.requireNonNull(verifierApiKey);
            this.fixedKeys = null;
            return this;
        }

        /** At most one key refetch per this interval, however many tokens name unknown keys; default 30 s. */
        public Builder keyRefetchInterval(Duration interval) {
            this.keyRefetchInterval = Objects.requireNonNull(interval);
            return this;
        }

        /** Also ask {@code /oauth2/introspect} (RFC 7662), authenticated as this client with HTTP Basic. */
        public Builder introspectAsClient(String clientId, String clientSecret) {
            this.introspectionHeader = "Authorization";
            this.introspectionCredential = Introspection.basic(clientId, clientSecret);
            return this;
        }

        /**
         * Also ask {@code /oauth2/introspect} (RFC 7662), authenticated with an API key in
         * {@code X-API-Key}: a {@code verifier} key is enough.
         */
        public Builder introspectWithApiKey(String apiKey) {
            this.introspectionHeader = "X-API-Key";
            this.introspectionCredential = Objects.requireNonNull(apiKey);
            return this;
        }

        /**
         * How long an introspection answer is reused; default 10 s. Also how long a deleted client's
         * or a revoked token may still be accepted.
         */
        public Builder introspectionCacheTtl(Duration ttl) {
            this.introspectionCacheTtl = Objects.requireNonNull(ttl);
            return this;
        }

        /**
         * Follow the revocation feed with this API key in {@code X-API-Key}: a {@code verifier}
         * key is enough. Without this the feed is read with the key of
         * {@link #sharedKeysFromServer} or of introspection, when there is one.
         */
        public Builder revocationFeedWithApiKey(String apiKey) {
            this.feedHeader = "X-API-Key";
            this.feedCredential = Objects.requireNonNull(apiKey);
            this.followRevocations = true;
            return this;
        }

        /** Follow the revocation feed authenticated as this client with HTTP Basic. */
        public Builder revocationFeedAsClient(String clientId, String clientSecret) {
            this.feedHeader = "Authorization";
            this.feedCredential = Introspection.basic(clientId, clientSecret);
            this.followRevocations = true;
            return this;
        }

        /**
         * Follow no revocation feed: a token is then accepted until it expires, unless
         * introspection is configured. For verifiers with no credential for the server, and tests.
         */
        public Builder withoutRevocationFeed() {
            this.followRevocations = false;
            return this;
        }

        /**
         * How long after its last successful read of the revocation feed this verifier still
         * accepts tokens; beyond it every token is refused as
         * {@link TokenRejectedException.Reason#UNAVAILABLE} (fail-closed). Default 60 s; at least
         * 30 s, since a healthy feed answers every 20 s even when nothing is new.
         */
        public Builder revocationFeedMaxStaleness(Duration staleness) {
            if (staleness.compareTo(Duration.ofSeconds(30)) < 0) {
                throw new IllegalArgumentException("the staleness bound must be at least 30 s");
            }
            this.feedMaxStaleness = staleness;
            return this;
        }

        /** Told when reading the revocation feed fails and when it succeeds again. */
        public Builder revocationFeedListener(RevocationFeedListener listener) {
            this.feedListener = Objects.requireNonNull(listener);
            return this;
        }

        /** What measures the feed's staleness; tests move it instead of waiting. */
        Builder revocationFeedTicker(java.util.function.LongSupplier ticker) {
            this.feedTicker = Objects.requireNonNull(ticker);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient);
            return this;
        }

        public TokenVerifier build() {
            JsonHttp http = new JsonHttp(httpClient != null ? httpClient : JsonHttp.defaultClient());
            String expectedIssuer = issuer != null ? issuer : stripSlash(serverUrl.toString());
            URI metadataUrl = ServerMetadata.metadataUrl(serverUrl);
            LazyMetadata metadata = new LazyMetadata(http, metadataUrl);
            KeySource keys;
            if (fixedKeys != null) {
                keys = fixedKeys;
            } else if (sharedKeyApiKey != null) {
                URI sharedKeys = Urls.resolve(serverUrl, "/admin/keys/access-token");
                keys = new RemoteKeySource(http, () -> sharedKeys, sharedKeyApiKey, clock, keyRefetchInterval);
            } else {
                keys = new RemoteKeySource(http, () -> metadata.get().jwksUri(), null, clock, keyRefetchInterval);
            }
            Introspection introspection = null;
            if (introspectionHeader != null) {
                URI fallback = Urls.resolve(serverUrl, "/oauth2/introspect");
                introspection = new Introspection(http,
                        () -> metadata.get().introspectionEndpoint().orElse(fallback),
                        introspectionHeader, introspectionCredential, introspectionCacheTtl, clock);
            }
            RevocationFollower revocations = revocationFollower(http, metadata);
            AccessTokenCheck check = new AccessTokenCheck(keys, expectedIssuer,
                    audience != null ? audience : expectedIssuer, clockSkew, clock, introspection, revocations);
            if (revocations != null) {
                revocations.start();
            }
            return new TokenVerifier(check, requiredScopes, expectedIssuer, revocations,
                    new DpopProofCheck(clock, clockSkew));
        }

        /** The feed's follower, with the first credential configured of: its own, the key fetcher's, introspection's. */
        private RevocationFollower revocationFollower(JsonHttp http, LazyMetadata metadata) {
            String header = feedHeader;
            String credential = feedCredential;
            if (credential == null && sharedKeyApiKey != null) {
                header = "X-API-Key";
                credential = sharedKeyApiKey;
            }
            if (credential == null && introspectionCredential != null) {
                header = introspectionHeader;
                credential = introspectionCredential;
            }
            if (!followRevocations || credential == null) {
                return null;
            }
            URI feed = Urls.resolve(serverUrl, "/oauth2/revocations");
            return new RevocationFollower(httpClient != null ? httpClient : JsonHttp.defaultClient(), EndpointLocator.fixed(feed),
                    header, credential, feedMaxStaleness, clockSkew, clock, feedListener, Sleeper.REAL, feedTicker);
        }

        private static String stripSlash(String url) {
            return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        }
    }
}
