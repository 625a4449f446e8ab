package io.latchkey.server;

import io.latchkey.core.api.ApiRegistry;
import io.latchkey.core.apikey.ApiKeys;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.Auditor;
import io.latchkey.core.auth.ApiKeyAuthentication;
import io.latchkey.core.auth.CallerAuthentication;
import io.latchkey.core.auth.ClientAuthentication;
import io.latchkey.core.auth.ClientSecretAuthentication;
import io.latchkey.core.auth.MutualTlsAuthentication;
import io.latchkey.core.auth.PrivateKeyJwtAuthentication;
import io.latchkey.core.dpop.DpopNonces;
import io.latchkey.core.dpop.DpopProofVerifier;
import io.latchkey.core.client.ClientRegistry;
import io.latchkey.core.client.ClientStore;
import io.latchkey.core.client.RemoteJwks;
import io.latchkey.core.key.KeyService;
import io.latchkey.core.key.SigningKeyRotation;
import io.latchkey.core.ratelimit.ClientRateLimiter;
import io.latchkey.core.ratelimit.FailedAttemptLimiter;
import io.latchkey.core.secret.SecretGenerator;
import io.latchkey.core.secret.SecretHasher;
import io.latchkey.core.token.ClientCredentialsGrant;
import io.latchkey.core.token.RefreshTokenRotation;
import io.latchkey.core.token.RevocationList;
import io.latchkey.core.token.TokenIntrospection;
import io.latchkey.core.token.TokenIssuer;
import io.latchkey.core.token.TokenRevocation;
import io.latchkey.core.token.TokenSettings;
import io.latchkey.core.token.TokenVerifier;
import io.latchkey.core.usage.TokenUsage;
import io.latchkey.core.webhook.Webhooks;
import io.latchkey.core.key.KeySealer;
import io.latchkey.server.config.MasterKey;
import io.latchkey.server.outbound.WebhookAddresses;
import io.latchkey.server.config.AllowedSources;
import io.latchkey.server.config.ServerConfig;
import io.latchkey.server.outbound.HttpJwksFetcher;
import io.latchkey.store.jdbc.Database;
import io.latchkey.store.jdbc.JdbcAssertionReplayStore;
import io.latchkey.store.jdbc.JdbcApiKeyStore;
import io.latchkey.store.jdbc.JdbcApiStore;
import io.latchkey.store.jdbc.JdbcAuditLog;
import io.latchkey.store.jdbc.JdbcRevocationStore;
import io.latchkey.store.jdbc.JdbcUsageStore;
import io.latchkey.store.jdbc.JdbcWebhookStore;
import io.latchkey.store.jdbc.WebhookOutbox;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The object graph of the domain over an open store, wired by hand in one place: what
 * {@code serve} runs, and what the offline CLI builds its part of, so that both hash, audit and
 * store alike.
 */
public final class Wiring {
    private static final int MAX_TRACKED_SOURCES = 50_000;
    private static final long MAX_TRACKED_BYTES = 8L << 20;

    private Wiring() {
    }

    /**
     * Every service of a running server.
     *
     * @param auditLog     where audit events go (the server counts them for its metrics)
     * @param auditWrites  where audit writes that are noticed on an event loop run
     * @param extraMethods client-authentication methods beyond client secrets and API keys
     */
    static Services services(ServerConfig config, int port, Database database, Clock clock, SecureRandom random,
                             ClientStore clientStore, AuditLog auditLog, Executor auditWrites,
                             List<ClientAuthentication<?>> extraMethods) throws IOException {
        String issuer = config.issuerFor(port);
        TokenSettings settings = new TokenSettings(issuer, List.of(config.audience() == null ? issuer : config.audience()),
                config.accessTokenTtl(), config.refreshTokenTtl());
        KeyService keys = StoreFactory.keyService(config, database, clock, random);
        keys.load();
        SecretGenerator generator = new SecretGenerator(random);
        SecretHasher hasher = new SecretHasher(keys.pepper());
        Auditor auditor = new Auditor(auditLog, generator, clock);
        ClientRegistry clients = new ClientRegistry(clientStore, hasher, generator, clock, auditor, config.secretTtl(),
                new RemoteJwks(new HttpJwksFetcher(), clock));
        TokenUsage usage = new TokenUsage(new JdbcUsageStore(database), clock);
        ApiKeys apiKeys = apiKeys(database, hasher, generator, clock, auditor, config.adminApiKey());
        WebhookOutbox outbox = new WebhookOutbox(clock, random);
        JdbcRevocationStore revocationStore = new JdbcRevocationStore(database, outbox);
        RevocationList revocations = new RevocationList(revocationStore, settings, clock);
        revocations.load();
        ApiRegistry apis = new ApiRegistry(new JdbcApiStore(database), generator, clock, auditor);
        apis.load();
        TokenIssuer issuerOfTokens = new TokenIssuer(keys, settings, generator, clock);
        TokenVerifier verifier = new TokenVerifier(keys, issuer, clock);
        FailedAttemptLimiter limiter = new FailedAttemptLimiter(clock, config.authFailureBurst(),
                config.authFailurePerMinute(), MAX_TRACKED_SOURCES, MAX_TRACKED_BYTES);
        List<ClientAuthentication<?>> methods = new ArrayList<>(List.of(
                new ClientSecretAuthentication(clients), new ApiKeyAuthentication(apiKeys),
                new PrivateKeyJwtAuthentication(clients, new JdbcAssertionReplayStore(database),
                        assertionAudiences(issuer), clock),
                new MutualTlsAuthentication(clients, ClientCas.load(config.tlsClientCa()), clock)));
        methods.addAll(extraMethods);
        return new Services(clock, settings,
                new CallerAuthentication(limiter, auditor, auditWrites, methods, new AllowedSources()),
                clients, apiKeys, keys, new SigningKeyRotation(keys, auditor),
                new ClientCredentialsGrant(issuerOfTokens, apis, usage),
                new RefreshTokenRotation(clients, issuerOfTokens, verifier, revocations, revocationStore, auditor, apis,
                        usage),
                new TokenIntrospection(verifier, clients, revocations, revocationStore, apis, settings),
                new TokenRevocation(verifier, revocations,
                        new ClientRateLimiter(clock, "revocations", config.revocationsPerMinute())),
                revocations, limiter, auditor, apis, usage,
                new DpopProofVerifier(clock, config.dpopNonces()
                        ? new DpopNonces(clock, DpopProofVerifier.WINDOW.toMillis(), random) : null),
                new Webhooks(new JdbcWebhookStore(database),
                        new KeySealer(MasterKey.load(config.masterKey(), config.dataDir(), random)), generator, clock,
                        auditor, new WebhookAddresses(config.webhookAllowPrivate())));
    }

    /**
     * What a client assertion's {@code aud} may name (RFC 7523 §3 item 3): the issuer, or the URL
     * of an endpoint that authenticates clients — whichever the assertion is sent to.
     */
    private static Set<String> assertionAudiences(String issuer) {
        return Set.of(issuer, issuer + "/oauth2/token", issuer + "/oauth2/introspect", issuer + "/oauth2/revoke");
    }

    /**
     * The admin API keys of a store with no server running ({@code apikey create --offline}):
     * hashed with the pepper the server uses, audited into the same log.
     */
    public static ApiKeys offlineApiKeys(ServerConfig config, Database database, Clock clock, SecureRandom random)
            throws IOException {
        KeyService keys = StoreFactory.keyService(config, database, clock, random);
        keys.loadForHashing();
        SecretGenerator generator = new SecretGenerator(random);
        return apiKeys(database, new SecretHasher(keys.pepper()), generator, clock,
                new Auditor(new JdbcAuditLog(database), generator, clock), null);
    }

    private static ApiKeys apiKeys(Database database, SecretHasher hasher, SecretGenerator generator, Clock clock,
                                   Auditor auditor, String configuredKey) {
        return new ApiKeys(new JdbcApiKeyStore(database, new WebhookOutbox(clock, generator)), hasher, generator, clock,
                auditor, configuredKey);
    }
}
