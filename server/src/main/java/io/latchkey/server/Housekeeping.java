package io.latchkey.server;

import io.latchkey.core.secret.SecretGenerator;
import io.latchkey.core.token.RevocationList;
import io.latchkey.store.jdbc.ChangeLog;
import io.latchkey.store.jdbc.Database;
import io.latchkey.store.jdbc.Leases;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps memory and tables from growing forever. Every instance forgets expired revocations in
 * memory ({@link #forgetExpired()}, every minute). Consumed refresh tokens and revocations whose
 * tokens have all expired, and change-log entries far behind the newest, are deleted from the
 * store in bounded batches ({@link #purge()}, hourly) by one instance at a time: the one holding
 * the {@code purge} lease.
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

    Housekeeping(Database database, RevocationList revocations, Clock clock, SecureRandom random) {
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

    /** One round; returns how many rows were purged from the store (0 on instances without the lease). */
    int purge() {
        if (!leases.tryAcquire(LEASE, instanceId, clock.instant(), LEASE_TTL)) {
            revocations.purgeExpired(false);
            return 0;
        }
        int purged = revocations.purgeExpired(true) + changeLog.purge();
        if (purged > 0) {
            LOG.info("Purged {} expired rows", purged);
        }
        return purged;
    }
}
