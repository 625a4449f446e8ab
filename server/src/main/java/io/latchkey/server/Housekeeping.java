package io.latchkey.server;

import io.latchkey.core.client.ClientRegistry;
import io.latchkey.core.secret.SecretGenerator;
import io.latchkey.core.usage.TokenUsage;
import io.latchkey.core.token.RevocationList;
import io.latchkey.store.jdbc.ChangeLog;
import io.latchkey.store.jdbc.Database;
import io.latchkey.store.jdbc.Leases;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps memory and tables from growing forever. Every instance forgets expired revocations in
 * memory ({@link #forgetExpired()}, every minute). Consumed refresh tokens and revocations whose
 * tokens have all expired, change-log entries far behind the newest and token counts older than a
 * day are deleted from the store in bounded batches ({@link #purge()}, hourly) by one instance at a
 * time: the one holding the {@code purge} lease.
 *
 * <p>Every minute each instance also looks for client secrets about to expire ({@link
 * #watchSecrets()}): each is audited {@code client.secret_expiring} once, by whichever instance
 * marks it in the store first, and the expiring-secrets gauge is refreshed.
 */
final class Housekeeping {
    static final Duration FORGET_INTERVAL = Duration.ofMinutes(1);
    static final Duration PURGE_INTERVAL = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
    private static final String LEASE = "purge";
    private static final Duration LEASE_TTL = Duration.ofMinutes(10);

    private final Leases leases;
    private final ChangeLog changeLog;
    private final RevocationList revocations;
    private final Clock clock;
    private final String instanceId;
    private final ClientRegistry clients;
    private final TokenUsage usage;
    private final Duration secretExpiryWarning;
    private final AtomicLong secretsExpiring;

    Housekeeping(Database database, Services services, Duration secretExpiryWarning, AtomicLong secretsExpiring,
                 Clock clock, SecureRandom random) {
        this.clients = services.clients();
        this.usage = services.usage();
        this.secretExpiryWarning = secretExpiryWarning;
        this.secretsExpiring = secretsExpiring;
        RevocationList revocations = services.revocations();
        this.leases = new Leases(database);
        this.changeLog = new ChangeLog(database);
        this.revocations = revocations;
        this.clock = clock;
        this.instanceId = new SecretGenerator(random).id();
    }

    /** Forgets expired revocations in memory only. */
    void forgetExpired() {
        revocations.purgeExpired(false);
    }

    /**
     * SPEC §10: audits the secrets that now expire within the warning window (once each), and
     * counts them for the gauge; returns how many were warned of in this round.
     */
    int watchSecrets() {
        int warned = clients.warnOfExpiringSecrets(secretExpiryWarning);
        secretsExpiring.set(clients.countSecretsExpiringWithin(secretExpiryWarning));
        return warned;
    }

    /** One round; returns how many rows were purged from the store (0 on instances without the lease). */
    int purge() {
        if (!leases.tryAcquire(LEASE, instanceId, clock.instant(), LEASE_TTL)) {
            revocations.purgeExpired(false);
            return 0;
        }
        int purged = revocations.purgeExpired(true) + changeLog.purge() + usage.purge();
        if (purged > 0) {
            LOG.info("Purged {} expired rows", purged);
        }
        return purged;
    }
}
