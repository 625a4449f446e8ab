package io.latchkey.server.config;

import io.latchkey.core.key.SigningAlgorithm;
import io.latchkey.core.webhook.RetrySchedule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the server is configured with, built once at start-up from environment variables
 * and {@code serve} flags (SPEC §1) and immutable after. {@link #toString()} never shows a secret.
 */
public record ServerConfig(
        int port,
        String host,
        Path dataDir,
        String dbUrl,
        String dbUser,
        String dbPassword,
        String issuer,
        String audience,
        String adminApiKey,
        Duration accessTokenTtl,
        Duration refreshTokenTtl,
        SigningAlgorithm signingAlgorithm,
        String masterKey,
        int maxBodyBytes,
        int dbPoolSize,
        Duration dbTimeout,
        Duration dbStartupTimeout,
        Set<String> trustedProxies,
        int authFailureBurst,
        int authFailurePerMinute,
        Path tlsCert,
        Path tlsKey,
        String tlsKeyPassword,
        String metricsToken,
        boolean accessLog,
        Duration idleTimeout,
        Duration readTimeout,
        int maxConnections,
        int maxConnectionsPerAddress,
        int revocationsPerMinute,
        boolean tlsClientAuthWanted,
        Path tlsClientCa,
        String tlsClientCertHeader,
        Duration secretTtl,
        Duration secretExpiryWarning,
        boolean dpopNonces,
        Duration webhookRetryMin,
        boolean webhookAllowPrivate) {

    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024;
    /**
     * The shortest admin API key accepted from configuration: 32 random base64url characters carry
     * 192 bits (a generated key has 43 after its {@code lk_}, 256 bits). Guessing is rate limited,
     * but a short key chosen by hand is the one credential here an attacker could enumerate.
     */
    public static final int MIN_ADMIN_API_KEY_LENGTH = 32;
    /** A connection that neither sends nor receives a byte for this long is closed. */
    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
    /** A request must arrive whole, head and body, within this long of its first byte. */
    public static final int DEFAULT_READ_TIMEOUT_SECONDS = 10;
    /**
     * Open connections in all. Each holds about 9 KiB of heap and a file descriptor, plus the body
     * arriving on it (up to the body limit): 2,048 of them, every one mid-body, fit the launcher's
     * 128 MiB heap. Raise it together with the heap.
     */
    public static final int DEFAULT_MAX_CONNECTIONS = 2_048;
    /** Open connections from one source address (trusted proxies are not held to it). */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256;
    /** Revocation requests one client may make at once, and regains per minute. */
    public static final int DEFAULT_REVOCATIONS_PER_MINUTE = 10;
    /** How long before a secret expires the server warns of it (SPEC §10). */
    public static final Duration DEFAULT_SECRET_EXPIRY_WARNING = Duration.ofDays(14);

    /**
     * The wait before a failed webhook delivery's first retry (SPEC §10); each next wait is four
     * times longer, up to 6 h, and a delivery is retried for a day ({@link RetrySchedule}).
     */
    public static final Duration DEFAULT_WEBHOOK_RETRY_MIN = RetrySchedule.DEFAULT_FIRST;

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(accessTokenTtl, "accessTokenTtl");
        Objects.requireNonNull(refreshTokenTtl, "refreshTokenTtl");
        Objects.requireNonNull(signingAlgorithm, "signingAlgorithm");
        Objects.requireNonNull(dbTimeout, "dbTimeout");
        Objects.requireNonNull(dbStartupTimeout, "dbStartupTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, not " + port);
        }
        if (!positive(accessTokenTtl) || !positive(refreshTokenTtl)) {
            throw new IllegalArgumentException("token lifetimes must be positive durations");
        }
        if (signingAlgorithm == SigningAlgorithm.HS512) {
            throw new IllegalArgumentException("access tokens are signed with HS256, ES256, RS256 or EdDSA");
        }
        if (dbPoolSize < 1 || dbPoolSize > 1000) {
            throw new IllegalArgumentException("LATCHKEY_DB_POOL_SIZE must be between 1 and 1000");
        }
        if (!positive(dbTimeout) || dbStartupTimeout.isNegative()) {
            throw new IllegalArgumentException("database timeouts must be positive durations");
        }
        trustedProxies = trustedProxies == null ? Set.of() : trustedProxies.stream().filter(p -> !p.isBlank())
                .map(String::trim).collect(java.util.stream.Collectors.toUnmodifiableSet());
        trustedProxies.forEach(AddressRange::parse); // a typo here would silently trust nobody, or everybody
        if (authFailureBurst < 1 || authFailurePerMinute < 1) {
            throw new IllegalArgumentException("the failed-authentication burst and rate must be positive");
        }
        if (secretTtl != null && !io.latchkey.core.client.SecretLifetime.isValid(secretTtl)) {
            throw new IllegalArgumentException(
                    "LATCHKEY_SECRET_TTL must be a positive duration of whole seconds, at most ten years");
        }
        secretExpiryWarning = secretExpiryWarning == null ? DEFAULT_SECRET_EXPIRY_WARNING : secretExpiryWarning;
        if (!positive(secretExpiryWarning)) {
            throw new IllegalArgumentException("LATCHKEY_SECRET_EXPIRY_WARNING must be a positive duration");
        }
        webhookRetryMin = webhookRetryMin == null ? DEFAULT_WEBHOOK_RETRY_MIN : webhookRetryMin;
        if (!positive(webhookRetryMin) || webhookRetryMin.compareTo(RetrySchedule.LONGEST) > 0) {
            throw new IllegalArgumentException("LATCHKEY_WEBHOOK_RETRY_MIN must be a positive duration of at most "
                    + RetrySchedule.LONGEST);
        }
        if (revocationsPerMinute < 1) {
            throw new IllegalArgumentException("LATCHKEY_REVOCATIONS_PER_MINUTE must be positive");
        }
        if (tlsCert != null && tlsKey == null && !isPkcs12(tlsCert)) {
            throw new IllegalArgumentException("LATCHKEY_TLS_CERT is a PEM certificate: LATCHKEY_TLS_KEY must name its key");
        }
        if (tlsCert == null && tlsKey != null) {
            throw new IllegalArgumentException("LATCHKEY_TLS_KEY is set without LATCHKEY_TLS_CERT");
        }
        if (tlsClientAuthWanted && tlsCert == null) {
            throw new IllegalArgumentException("LATCHKEY_TLS_CLIENT_AUTH=want asks for client certificates in the TLS "
                    + "handshake: it needs LATCHKEY_TLS_CERT (behind a TLS-terminating proxy, use "
                    + "LATCHKEY_TLS_CLIENT_CERT_HEADER instead)");
        }
        tlsClientCertHeader = tlsClientCertHeader == null || tlsClientCertHeader.isBlank() ? null : tlsClientCertHeader.trim();
        if (tlsClientCertHeader != null && !tlsClientCertHeader.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}")) {
            throw new IllegalArgumentException("LATCHKEY_TLS_CLIENT_CERT_HEADER must be a header name (RFC 9110 §5.1)");
        }
        if (tlsClientCertHeader != null && trustedProxies.isEmpty()) {
            // Honoured only from a trusted proxy: without one the header would never count.
            throw new IllegalArgumentException("LATCHKEY_TLS_CLIENT_CERT_HEADER is honoured only from "
                    + "LATCHKEY_TRUSTED_PROXIES: name the proxies that set it");
        }
        if (tlsClientCa != null && !tlsClientAuthWanted && tlsClientCertHeader == null) {
            throw new IllegalArgumentException("LATCHKEY_TLS_CLIENT_CA is set, but no client certificate is asked for: "
                    + "set LATCHKEY_TLS_CLIENT_AUTH=want or LATCHKEY_TLS_CLIENT_CERT_HEADER");
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("the body limit must be at least 1024 bytes");
        }
        if (!positive(idleTimeout) || !positive(readTimeout) || idleTimeout.compareTo(Duration.ofDays(1)) > 0
                || readTimeout.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException(
                    "LATCHKEY_IDLE_TIMEOUT and LATCHKEY_READ_TIMEOUT must be positive durations of at most a day");
        }
        if (maxConnections < 1 || maxConnectionsPerAddress < 1) {
            throw new IllegalArgumentException(
                    "LATCHKEY_MAX_CONNECTIONS and LATCHKEY_MAX_CONNECTIONS_PER_ADDRESS must be at least 1");
        }
        adminApiKey = adminApiKey == null || adminApiKey.isBlank() ? null : adminApiKey;
        if (adminApiKey != null && adminApiKey.length() < MIN_ADMIN_API_KEY_LENGTH) {
            throw new IllegalArgumentException("LATCHKEY_ADMIN_API_KEY must be at least " + MIN_ADMIN_API_KEY_LENGTH
                    + " characters long");
        }
        metricsToken = metricsToken == null || metricsToken.isBlank() ? null : metricsToken;
        if (metricsToken != null && metricsToken.length() < 16) {
            throw new IllegalArgumentException("LATCHKEY_METRICS_TOKEN must be at least 16 characters long");
        }
        issuer = issuer == null || issuer.isBlank() ? null : stripTrailingSlash(issuer.trim());
        audience = audience == null || audience.isBlank() ? null : audience.trim();
    }

    /** Defaults of SPEC §1 with the data kept in {@code dataDir}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The issuer, defaulting to {@code http(s)://localhost:<port>} for the port actually bound. */
    public String issuerFor(int boundPort) {
        return issuer != null ? issuer : (tlsEnabled() ? "https" : "http") + "://localhost:" + boundPort;
    }

    /** Whether the listener speaks HTTPS (and only HTTPS). */
    public boolean tlsEnabled() {
        return tlsCert != null;
    }

    /**
     * Whether clients may authenticate with a certificate (RFC 8705): asked for in the TLS
     * handshake ({@code LATCHKEY_TLS_CLIENT_AUTH=want}), or forwarded by a trusted proxy in
     * {@code LATCHKEY_TLS_CLIENT_CERT_HEADER}.
     */
    public boolean mutualTls() {
        return tlsClientAuthWanted || tlsClientCertHeader != null;
    }

    /** A {@code .p12}/{@code .pfx} file holds certificate and key together. */
    public static boolean isPkcs12(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".p12") || name.endsWith(".pfx");
    }

    private static boolean positive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public String toString() {
        return "ServerConfig[port=" + port + ", host=" + host + ", dataDir=" + dataDir
                + ", db=" + (dbUrl == null ? "embedded" : "configured") + ", issuer=" + issuer
                + ", accessTokenTtl=" + accessTokenTtl + ", refreshTokenTtl=" + refreshTokenTtl
                + ", signingAlgorithm=" + signingAlgorithm + ", tls=" + tlsEnabled() + ", mutualTls=" + mutualTls()
                + ", metricsToken=" + (metricsToken == null ? "none" : "set") + ", accessLog=" + accessLog
                + ", idleTimeout=" + idleTimeout + ", readTimeout=" + readTimeout + ", maxConnections=" + maxConnections
                + ", maxConnectionsPerAddress=" + maxConnectionsPerAddress + "]";
    }

    /** Builds a {@link ServerConfig}; every field starts at its SPEC default. */
    public static final class Builder {
        private int port = DEFAULT_PORT;
        private String host = "0.0.0.0";
        private Path dataDir = Path.of("data");
        private String dbUrl;
        private String dbUser;
        private String dbPassword;
        private String issuer;
        private String audience;
        private String adminApiKey;
        private Duration accessTokenTtl = Duration.ofHours(1);
        private Duration refreshTokenTtl = Duration.ofDays(30);
        private SigningAlgorithm signingAlgorithm = SigningAlgorithm.HS256;
        private String masterKey;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private int dbPoolSize = 10;
        private Duration dbTimeout = Duration.ofSeconds(5);
        private Duration dbStartupTimeout = Duration.ofSeconds(60);
        private Set<String> trustedProxies = Set.of();
        private int authFailureBurst = 10;
        private int authFailurePerMinute = 10;
        private Path tlsCert;
        private Path tlsKey;
        private String tlsKeyPassword;
        private String metricsToken;
        private boolean accessLog;
        /** RFC 9449 §8: off by default; a proof then needs no server nonce. */
        private boolean dpopNonces = false;
        private Duration webhookRetryMin = DEFAULT_WEBHOOK_RETRY_MIN;
        private boolean webhookAllowPrivate;

        /** The wait before a failed webhook delivery is first retried ({@code LATCHKEY_WEBHOOK_RETRY_MIN}). */
        public Builder webhookRetryMin(Duration webhookRetryMin) {
            this.webhookRetryMin = webhookRetryMin;
            return this;
        }

        /** {@code LATCHKEY_WEBHOOK_ALLOW_PRIVATE=true}: webhooks may target loopback and private addresses. */
        public Builder webhookAllowPrivate(boolean webhookAllowPrivate) {
            this.webhookAllowPrivate = webhookAllowPrivate;
            return this;
        }
        private Duration idleTimeout = Duration.ofSeconds(DEFAULT_IDLE_TIMEOUT_SECONDS);
        private Duration readTimeout = Duration.ofSeconds(DEFAULT_READ_TIMEOUT_SECONDS);
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;

        /** How long a connection may stay without a byte in either direction before it is closed. */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        /** How long a request may take to arrive, from its first byte to its last. */
        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = readTimeout;
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        public Builder maxConnectionsPerAddress(int maxConnectionsPerAddress) {
            this.maxConnectionsPerAddress = maxConnectionsPerAddress;
            return this;
        }

        private int revocationsPerMinute = DEFAULT_REVOCATIONS_PER_MINUTE;
        private boolean tlsClientAuthWanted;
        private Path tlsClientCa;
        private String tlsClientCertHeader;
        private Duration secretTtl;
        private Duration secretExpiryWarning = DEFAULT_SECRET_EXPIRY_WARNING;

        /** {@code LATCHKEY_TLS_CLIENT_AUTH=want}: ask for a client certificate in the TLS handshake (RFC 8705). */
        public Builder tlsClientAuthWanted(boolean wanted) {
            this.tlsClientAuthWanted = wanted;
            return this;
        }

        /** PEM certificates of the CAs that {@code tls_client_auth} certificates must chain to. */
        public Builder tlsClientCa(Path tlsClientCa) {
            this.tlsClientCa = tlsClientCa;
            return this;
        }

        /** The header a trusted TLS-terminating proxy puts the client certificate in (URL-encoded PEM). */
        public Builder tlsClientCertHeader(String tlsClientCertHeader) {
            this.tlsClientCertHeader = tlsClientCertHeader;
            return this;
        }

        /** The lifetime of a secret whose creation or rotation names none; null (the default): forever. */
        public Builder secretTtl(Duration secretTtl) {
            this.secretTtl = secretTtl;
            return this;
        }

        /** How long before its expiry a secret is warned of ({@code client.secret_expiring}). */
        public Builder secretExpiryWarning(Duration secretExpiryWarning) {
            this.secretExpiryWarning = secretExpiryWarning;
            return this;
        }

        /** Revocation requests per client: at once, and regained per minute. */
        public Builder revocationsPerMinute(int revocationsPerMinute) {
            this.revocationsPerMinute = revocationsPerMinute;
            return this;
        }

        /** When set, {@code GET /metrics} asks for {@code Authorization: Bearer <token>}. */
        public Builder metricsToken(String metricsToken) {
            this.metricsToken = metricsToken;
            return this;
        }

        /** RFC 9449 §8: the token endpoint hands out {@code DPoP-Nonce} and requires it in proofs. */
        public Builder dpopNonces(boolean dpopNonces) {
            this.dpopNonces = dpopNonces;
            return this;
        }

        /** One INFO line per request on the {@code latchkey.access} logger. */
        public Builder accessLog(boolean accessLog) {
            this.accessLog = accessLog;
            return this;
        }

        public Builder tlsCert(Path tlsCert) {
            this.tlsCert = tlsCert;
            return this;
        }

        public Builder tlsKey(Path tlsKey) {
            this.tlsKey = tlsKey;
            return this;
        }

        public Builder tlsKeyPassword(String tlsKeyPassword) {
            this.tlsKeyPassword = tlsKeyPassword;
            return this;
        }

        public Builder trustedProxies(Set<String> trustedProxies) {
            this.trustedProxies = trustedProxies;
            return this;
        }

        public Builder authFailureBurst(int authFailureBurst) {
            this.authFailureBurst = authFailureBurst;
            return this;
        }

        public Builder authFailurePerMinute(int authFailurePerMinute) {
            this.authFailurePerMinute = authFailurePerMinute;
            return this;
        }

        public Builder dbPoolSize(int dbPoolSize) {
            this.dbPoolSize = dbPoolSize;
            return this;
        }

        public Builder dbTimeout(Duration dbTimeout) {
            this.dbTimeout = dbTimeout;
            return this;
        }

        public Builder dbStartupTimeout(Duration dbStartupTimeout) {
            this.dbStartupTimeout = dbStartupTimeout;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        public Builder dbUrl(String dbUrl) {
            this.dbUrl = dbUrl;
            return this;
        }

        public Builder dbUser(String dbUser) {
            this.dbUser = dbUser;
            return this;
        }

        public Builder dbPassword(String dbPassword) {
            this.dbPassword = dbPassword;
            return this;
        }

        public Builder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }

        public Builder audience(String audience) {
            this.audience = audience;
            return this;
        }

        public Builder adminApiKey(String adminApiKey) {
            this.adminApiKey = adminApiKey;
            return this;
        }

        public Builder accessTokenTtl(Duration accessTokenTtl) {
            this.accessTokenTtl = accessTokenTtl;
            return this;
        }

        public Builder refreshTokenTtl(Duration refreshTokenTtl) {
            this.refreshTokenTtl = refreshTokenTtl;
            return this;
        }

        public Builder signingAlgorithm(SigningAlgorithm signingAlgorithm) {
            this.signingAlgorithm = signingAlgorithm;
            return this;
        }

        public Builder masterKey(String masterKey) {
            this.masterKey = masterKey;
            return this;
        }

        public Builder maxBodyBytes(int maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(port, host, dataDir, dbUrl, dbUser, dbPassword, issuer, audience, adminApiKey,
                    accessTokenTtl, refreshTokenTtl, signingAlgorithm, masterKey, maxBodyBytes, dbPoolSize, dbTimeout,
                    dbStartupTimeout, trustedProxies, authFailureBurst, authFailurePerMinute, tlsCert, tlsKey,
                    tlsKeyPassword, metricsToken, accessLog, idleTimeout, readTimeout, maxConnections,
                    maxConnectionsPerAddress, revocationsPerMinute, tlsClientAuthWanted, tlsClientCa,
                    tlsClientCertHeader, secretTtl, secretExpiryWarning, dpopNonces, webhookRetryMin,
                    webhookAllowPrivate);
        }
    }
}
