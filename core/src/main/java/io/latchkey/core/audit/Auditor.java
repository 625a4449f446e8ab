package io.latchkey.core.audit;

import io.latchkey.core.secret.SecretGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stamps and appends audit events: the one place that gives them an id and a time, and that
 * bounds what a caller's text may put in them — every field at most {@value #MAX_FIELD}
 * characters, control characters escaped — since the log is kept forever and read in terminals.
 */
public final class Auditor {
    private final AuditLog log;
    private final SecretGenerator ids;
    private final Clock clock;
    static final int MAX_FIELD = 256;
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
        log.append(new AuditEvent(orderedId(at), at, action, bounded(actor), bounded(source), bounded(clientId),
                bounded(detail)));
    }

    /**
     * Ids sort like the events they name: the time, then this process's sequence (events within
     * one millisecond keep their order), then randomness (instances never collide).
     */
    private String orderedId(Instant at) {
        return String.format("%013d-%012d-%s", at.toEpochMilli(), sequence.incrementAndGet(), ids.next(6));
    }

    /** {@code text} cut to {@value #MAX_FIELD} characters, its control characters as {@code \\u001b}. */
    static String bounded(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_FIELD));
        for (int i = 0; i < text.length(); i++) {
            if (out.length() >= MAX_FIELD) {
                return cut(out);
            }
            char c = text.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.length() > MAX_FIELD ? cut(out) : out.toString();
    }

    private static String cut(StringBuilder text) {
        text.setLength(MAX_FIELD - 1);
        return text.append('…').toString();
    }

    public AuditLog log() {
        return log;
    }
}
