package io.latchkey.core.audit;

import io.latchkey.core.secret.SecretGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Stamps and appends audit events: the one place that gives them an id and a time. */
public final class Auditor {
    private final AuditLog log;
    private final SecretGenerator ids;
    private final Clock clock;
    private final AtomicLong sequence = new AtomicLong();

    public Auditor(AuditLog log, SecretGenerator ids, Clock clock) {
        this.log = log;
        this.ids = ids;
        this.clock = clock;
    }

    /** Records that {@code actor} did {@code action}, to {@code clientId} when it concerns a client. */
    public void record(AuditAction action, Actor actor, String clientId, String detail) {
        String note = actor.caller().note();
        record(action, actor.name(), actor.source(), clientId,
                note == null ? detail : detail == null ? note : detail + " " + note);
    }

    public void record(AuditAction action, String actor, String source, String clientId, String detail) {
        Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        log.append(new AuditEvent(orderedId(at), at, action, actor, source, clientId, detail));
    }

    /**
     * Ids sort like the events they name: the time, then this process's sequence (events within
     * one millisecond keep their order), then randomness (instances never collide).
     */
    private String orderedId(Instant at) {
        return String.format("%013d-%012d-%s", at.toEpochMilli(), sequence.incrementAndGet(), ids.next(6));
    }

    public AuditLog log() {
        return log;
    }
}
