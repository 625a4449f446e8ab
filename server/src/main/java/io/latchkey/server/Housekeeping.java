package io.latchkey.server;

import io.latchkey.core.secret.SecretGenerator;
import io.latchkey.core.token.RevocationList;
import io.latchkey.store.jdbc.ChangeLog;
import io.latchkey.store.jdbc.Database;
import io.latchkey.store.jdbc.Leases;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the tables from growing forever: consumed refresh tokens and revocations whose tokens have
 * all expired, and old change-log entries, are deleted in bounded batches — by one instance at a
 * time, the one holding the {@code purge} lease. Every instance forgets expired revocations in
 * memory.
 */
final class Housekeeping {
    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
    private static final String LEASE = "purge";
    private static final Duration LEASE_TTL = Duration.ofMinutes(10);
    private static final Duration CHANGE_LOG_RETENTION = Duration.ofHours(1);

    private final Leases leases;
    private final ChangeLog changeLog;
    private final RevocationList revocations;
    private final String instanceId;

    Housekeeping(Database database, RevocationList revocations, SecureRandom random) {
        this.leases = new Leases(database);
        this.changeLog = new ChangeLog(database);
        this.revocations = revocations;
        this.instanceId = new SecretGenerator(random).id();
    }

    /** One round; returns how many rows were purged from the store (0 on instances without the lease). */
    int run() {
        Instant now = Instant.now();
        if (!leases.tryAcquire(LEASE, instanceId, now, LEASE_TTL)) {
            revocations.purgeExpired(false);
            return 0;
        }
        int purged = revocations.purgeExpired(true) + changeLog.purgeBefore(now.minus(CHANGE_LOG_RETENTION));
        if (purged > 0) {
            LOG.info("Purged {} expired rows", purged);
        }
        return purged;
    }
}
