package io.latchkey.server.cli;

import io.latchkey.core.apikey.NewApiKey;
import io.latchkey.core.key.SigningAlgorithm;
import io.latchkey.server.DataDirLock;
import io.latchkey.server.LatchkeyServer;
import io.latchkey.server.config.ServerConfig;
import io.latchkey.server.logging.LogFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code latchkey serve}: every setting is an environment variable (SPEC §1) and a flag of the
 * same name; a flag wins over the variable.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start the server. Every option also reads its environment variable.",
        footerHeading = "%nExamples:%n",
        footer = {"  latchkey serve",
                "  latchkey serve --port 9000 --data-dir /var/lib/latchkey",
                "  latchkey serve --db-url jdbc:postgresql://db/latchkey --signing-alg ES256"})
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Mixin
    MasterKeyOption masterKey;

    @Option(names = "--port", defaultValue = "${env:LATCHKEY_PORT:-8080}",
            description = "HTTP port (LATCHKEY_PORT, default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--host", defaultValue = "${env:LATCHKEY_HOST:-0.0.0.0}",
            description = "Bind address (LATCHKEY_HOST, default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--trusted-proxies", defaultValue = "${env:LATCHKEY_TRUSTED_PROXIES}", split = ",",
            description = "Addresses or CIDR ranges of proxies whose X-Forwarded-For is believed "
                    + "(LATCHKEY_TRUSTED_PROXIES, comma-separated, e.g. 10.0.0.0/8,fd00::/8)")
    java.util.List<String> trustedProxies;

    @Option(names = "--auth-failure-burst", defaultValue = "${env:LATCHKEY_AUTH_FAILURE_BURST:-10}",
            description = "Failed authentications allowed at once per credential and address; an address gets "
                    + "five times as many (LATCHKEY_AUTH_FAILURE_BURST, default ${DEFAULT-VALUE})")
    int authFailureBurst;

    @Option(names = "--auth-failure-per-minute", defaultValue = "${env:LATCHKEY_AUTH_FAILURE_PER_MINUTE:-10}",
            description = "Failed authentications regained per minute (LATCHKEY_AUTH_FAILURE_PER_MINUTE, default ${DEFAULT-VALUE})")
    int authFailurePerMinute;

    @Option(names = "--revocations-per-minute", defaultValue = "${env:LATCHKEY_REVOCATIONS_PER_MINUTE:-"
            + ServerConfig.DEFAULT_REVOCATIONS_PER_MINUTE + "}",
            description = "Token revocations one client may ask for at once, and regains per minute; beyond, 429 "
                    + "(LATCHKEY_REVOCATIONS_PER_MINUTE, default ${DEFAULT-VALUE})")
    int revocationsPerMinute;

    @Option(names = "--secret-ttl", defaultValue = "${env:LATCHKEY_SECRET_TTL}",
            description = "Lifetime of a client secret whose creation or rotation names no secretTtl, ISO-8601 "
                    + "(LATCHKEY_SECRET_TTL, default: secrets never expire)")
    Duration secretTtl;

    @Option(names = "--secret-expiry-warning", defaultValue = "${env:LATCHKEY_SECRET_EXPIRY_WARNING:-P14D}",
            description = "How long before a secret expires the server audits client.secret_expiring, ISO-8601 "
                    + "(LATCHKEY_SECRET_EXPIRY_WARNING, default ${DEFAULT-VALUE})")
    Duration secretExpiryWarning;

    @Option(names = "--webhook-retry-min", defaultValue = "${env:LATCHKEY_WEBHOOK_RETRY_MIN:-PT10S}",
            description = "Wait before a failed webhook delivery is first retried, ISO-8601; each next wait is four "
                    + "times longer, up to PT6H, for a day (LATCHKEY_WEBHOOK_RETRY_MIN, default ${DEFAULT-VALUE})")
    Duration webhookRetryMin;

    @Option(names = "--webhook-allow-private", defaultValue = "${env:LATCHKEY_WEBHOOK_ALLOW_PRIVATE:-false}",
            arity = "0..1", fallbackValue = "true", description = "Let webhooks target loopback, private and link-local addresses "
                    + "(LATCHKEY_WEBHOOK_ALLOW_PRIVATE, default ${DEFAULT-VALUE})")
    boolean webhookAllowPrivate;

    @Option(names = "--tls-cert", defaultValue = "${env:LATCHKEY_TLS_CERT}",
            description = "PEM certificate chain, or a PKCS#12 (.p12/.pfx) file, to serve HTTPS only (LATCHKEY_TLS_CERT)")
    Path tlsCert;

    @Option(names = "--tls-key", defaultValue = "${env:LATCHKEY_TLS_KEY}",
            description = "PEM private key of the certificate (LATCHKEY_TLS_KEY)")
    Path tlsKey;

    @Option(names = "--tls-key-password", defaultValue = "${env:LATCHKEY_TLS_KEY_PASSWORD}",
            description = "Password of a PKCS#12 file (LATCHKEY_TLS_KEY_PASSWORD)")
    String tlsKeyPassword;

    @Option(names = "--tls-client-auth", defaultValue = "${env:LATCHKEY_TLS_CLIENT_AUTH:-none}",
            description = "want: ask clients for a certificate in the TLS handshake, for tls_client_auth and "
                    + "self_signed_tls_client_auth (RFC 8705); needs --tls-cert (LATCHKEY_TLS_CLIENT_AUTH, "
                    + "none or want, default ${DEFAULT-VALUE})")
    String tlsClientAuth;

    @Option(names = "--tls-client-ca", defaultValue = "${env:LATCHKEY_TLS_CLIENT_CA}",
            description = "PEM certificates of the CAs tls_client_auth client certificates must chain to "
                    + "(LATCHKEY_TLS_CLIENT_CA)")
    Path tlsClientCa;

    @Option(names = "--tls-client-cert-header", defaultValue = "${env:LATCHKEY_TLS_CLIENT_CERT_HEADER}",
            description = "Header in which a TLS-terminating proxy of --trusted-proxies forwards the client "
                    + "certificate, URL-encoded PEM as nginx's $ssl_client_escaped_cert "
                    + "(LATCHKEY_TLS_CLIENT_CERT_HEADER)")
    String tlsClientCertHeader;

    @Option(names = "--issuer", defaultValue = "${env:LATCHKEY_ISSUER}",
            description = "iss of every token and base of metadata URLs (LATCHKEY_ISSUER, default http://localhost:<port>)")
    String issuer;

    @Option(names = "--audience", defaultValue = "${env:LATCHKEY_AUDIENCE}",
            description = "aud of access tokens (LATCHKEY_AUDIENCE, default: the issuer)")
    String audience;

    @Option(names = "--admin-api-key", defaultValue = "${env:LATCHKEY_ADMIN_API_KEY}",
            description = "An admin API key accepted from the start, at least "
                    + ServerConfig.MIN_ADMIN_API_KEY_LENGTH + " characters (LATCHKEY_ADMIN_API_KEY)")
    String adminApiKey;

    @Option(names = "--access-token-ttl", defaultValue = "${env:LATCHKEY_ACCESS_TOKEN_TTL:-PT1H}",
            description = "Access-token lifetime, ISO-8601 (LATCHKEY_ACCESS_TOKEN_TTL, default ${DEFAULT-VALUE})")
    Duration accessTokenTtl;

    @Option(names = "--refresh-token-ttl", defaultValue = "${env:LATCHKEY_REFRESH_TOKEN_TTL:-P30D}",
            description = "Refresh-token lifetime, ISO-8601 (LATCHKEY_REFRESH_TOKEN_TTL, default ${DEFAULT-VALUE})")
    Duration refreshTokenTtl;

    @Option(names = "--signing-alg", defaultValue = "${env:LATCHKEY_SIGNING_ALG:-HS256}",
            description = "Access-token signature: HS256, ES256, RS256 or EdDSA (LATCHKEY_SIGNING_ALG, default ${DEFAULT-VALUE})")
    SigningAlgorithm signingAlgorithm;

    @Option(names = "--metrics-token", defaultValue = "${env:LATCHKEY_METRICS_TOKEN}",
            description = "Bearer token GET /metrics asks for; unset, /metrics is open (LATCHKEY_METRICS_TOKEN)")
    String metricsToken;

    @Option(names = "--idle-timeout",
            defaultValue = "${env:LATCHKEY_IDLE_TIMEOUT:-PT" + ServerConfig.DEFAULT_IDLE_TIMEOUT_SECONDS + "S}",
            description = "Close a connection with no byte either way for this long, ISO-8601 "
                    + "(LATCHKEY_IDLE_TIMEOUT, default ${DEFAULT-VALUE})")
    Duration idleTimeout;

    @Option(names = "--read-timeout",
            defaultValue = "${env:LATCHKEY_READ_TIMEOUT:-PT" + ServerConfig.DEFAULT_READ_TIMEOUT_SECONDS + "S}",
            description = "Close a connection whose request, head and body, has not arrived this long after "
                    + "its first byte, ISO-8601 (LATCHKEY_READ_TIMEOUT, default ${DEFAULT-VALUE})")
    Duration readTimeout;

    @Option(names = "--max-connections",
            defaultValue = "${env:LATCHKEY_MAX_CONNECTIONS:-" + ServerConfig.DEFAULT_MAX_CONNECTIONS + "}",
            description = "Open connections in all; more are answered 503 and closed "
                    + "(LATCHKEY_MAX_CONNECTIONS, default ${DEFAULT-VALUE})")
    int maxConnections;

    @Option(names = "--max-connections-per-address",
            defaultValue = "${env:LATCHKEY_MAX_CONNECTIONS_PER_ADDRESS:-"
                    + ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS + "}",
            description = "Open connections from one source address, trusted proxies excepted "
                    + "(LATCHKEY_MAX_CONNECTIONS_PER_ADDRESS, default ${DEFAULT-VALUE})")
    int maxConnectionsPerAddress;

    @Option(names = "--access-log", arity = "0..1", fallbackValue = "true",
            defaultValue = "${env:LATCHKEY_ACCESS_LOG:-false}",
            description = "One log line per request, logger latchkey.access (LATCHKEY_ACCESS_LOG, default ${DEFAULT-VALUE})")
    boolean accessLog;

    @Option(names = "--dpop-nonces", arity = "0..1", fallbackValue = "true",
            defaultValue = "${env:LATCHKEY_DPOP_NONCES:-false}",
            description = "Require a server nonce in DPoP proofs at the token endpoint, RFC 9449 §8 "
                    + "(LATCHKEY_DPOP_NONCES, default ${DEFAULT-VALUE})")
    boolean dpopNonces;

    @Option(names = "--log-format", defaultValue = "${env:LATCHKEY_LOG_FORMAT:-text}",
            description = "text or json, one object per line (LATCHKEY_LOG_FORMAT, default ${DEFAULT-VALUE})")
    String logFormat;
    /**
     * Start, answer a few requests to itself ({@link TrainingRequests}), then stop: the launcher's
     * training run for its class-data archive, which needs a JVM that loads every class of a start
     * and of answering HTTP, and exits by itself.
     */
    @Option(names = "--exit-when-ready", hidden = true)
    boolean exitWhenReady;

    /**
     * With {@code --exit-when-ready}: where to write a copy of sqlite-jdbc's native library for
     * this platform, which the launcher then names in {@code org.sqlite.lib.path} and
     * {@code org.sqlite.lib.name} ({@link SqliteLibraryCopy}).
     */
    @Option(names = "--check", description = "Check the configuration, the store, the master key and the TLS files, "
            + "print the effective configuration (secrets masked) and exit: 0 when all is well, else 1 with one line "
            + "per problem. Starts nothing and writes nothing.")
    boolean check;

    @Option(names = "--copy-sqlite-library", hidden = true)
    Path sqliteLibraryCopy;

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig config;
        try {
            LogFormat.parse(logFormat).apply();
            config = masterKey.applyTo(store.applyTo(ServerConfig.builder())).port(port).host(host)
                    .issuer(issuer).audience(audience).adminApiKey(adminApiKey)
                    .trustedProxies(trustedProxies == null ? java.util.Set.of() : trimmed(trustedProxies))
                    .authFailureBurst(authFailureBurst).authFailurePerMinute(authFailurePerMinute)
                    .revocationsPerMinute(revocationsPerMinute)
                    .secretTtl(secretTtl).secretExpiryWarning(secretExpiryWarning)
                    .tlsCert(tlsCert).tlsKey(tlsKey).tlsKeyPassword(tlsKeyPassword)
                    .tlsClientAuthWanted(tlsClientAuthWanted(tlsClientAuth)).tlsClientCa(tlsClientCa)
                    .tlsClientCertHeader(tlsClientCertHeader)
                    .accessTokenTtl(accessTokenTtl).refreshTokenTtl(refreshTokenTtl)
                    .signingAlgorithm(signingAlgorithm).metricsToken(metricsToken).accessLog(accessLog)
                    .dpopNonces(dpopNonces)
                    .webhookRetryMin(webhookRetryMin).webhookAllowPrivate(webhookAllowPrivate)
                    .idleTimeout(idleTimeout).readTimeout(readTimeout).maxConnections(maxConnections)
                    .maxConnectionsPerAddress(maxConnectionsPerAddress).build();
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("latchkey: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return check ? 1 : 2;
        }
        if (check) {
            return ConfigCheck.run(config, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        if (config.dbUrl() == null) {
            // Held until the process ends: 'latchkey restore' refuses while it is.
            dataDirLock = lockQuietly(config.dataDir());
        }
        LatchkeyServer server;
        try {
            server = LatchkeyServer.start(config);
        } catch (RuntimeException e) {
            System.err.println("latchkey: cannot start: " + e.getMessage());
            return 1;
        }
        if (exitWhenReady) {
            if (!config.tlsEnabled()) {
                TrainingRequests.send(server.port());
            }
            server.close();
            if (sqliteLibraryCopy != null && !SqliteLibraryCopy.write(sqliteLibraryCopy)) {
                System.err.println("latchkey: found no SQLite native library for this platform to copy");
                return 1;
            }
            return 0;
        }
        server.generatedAdminKey().ifPresent(ServeCommand::announce);
        System.out.println("Latchkey listening on " + (config.tlsEnabled() ? "https" : "http") + "://" + config.host() + ":" + server.port()
                + " (issuer " + server.issuer() + ")");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "latchkey-shutdown"));
        stopped.await();
        return 0;
    }

    /** The data dir's lock while this process serves it; a field, so that nothing collects it. */
    /** {@code none} or {@code want}; {@code need} is not offered: a client of a secret needs no certificate. */
    private static boolean tlsClientAuthWanted(String value) {
        String mode = value == null ? "none" : value.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (mode) {
            case "", "none" -> false;
            case "want" -> true;
            default -> throw new IllegalArgumentException("LATCHKEY_TLS_CLIENT_AUTH must be none or want, not " + value);
        };
    }

    private static DataDirLock dataDirLock;

    private static DataDirLock lockQuietly(Path dataDir) {
        try {
            return DataDirLock.tryAcquire(dataDir);
        } catch (java.io.IOException e) {
            return null; // the store's own open reports an unusable data dir
        }
    }

    private static java.util.Set<String> trimmed(java.util.List<String> values) {
        java.util.Set<String> set = new java.util.HashSet<>();
        for (String value : values) {
            if (!value.isBlank()) {
                set.add(value.trim());
            }
        }
        return set;
    }

    /**
     * The generated admin key goes to the terminal once, on purpose, and never through the
     * logger: it is the only time anyone sees it.
     */
    private static void announce(NewApiKey key) {
        System.out.println();
        System.out.println("  No admin API key was configured, so one was generated. It is shown only now:");
        System.out.println();
        System.out.println("      " + key.key());
        System.out.println();
        System.out.println("  Keep it safe; use it as X-API-Key (admin API) or \"apikey\" (pipeline endpoint).");
        System.out.println();
    }
}
