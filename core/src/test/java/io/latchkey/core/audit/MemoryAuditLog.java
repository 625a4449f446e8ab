package io.latchkey.core.audit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The server's {@link AuditLog} minus the database: append-only, queried newest first. */
public final class MemoryAuditLog implements AuditLog {
    private static final Comparator<AuditEvent> NEWEST_FIRST =
            Comparator.comparing(AuditEvent::at).thenComparing(AuditEvent::id).reversed();

    private final List<AuditEvent> events = new ArrayList<>();

    @Override
    public synchronized void append(AuditEvent event) {
        events.add(event);
    }

    @Override
    public synchronized List<AuditEvent> find(AuditQuery query) {
        AuditEvent cursor = query.before() == null ? null
                : new AuditEvent(query.before().id(), query.before().at(), null, null, null, null, null);
        return events.stream()
                .filter(event -> query.action() == null || event.action() == query.action())
                .filter(event -> query.clientId() == null || query.clientId().equals(event.clientId()))
                .filter(event -> query.since() == null || !event.at().isBefore(query.since()))
                .filter(event -> query.until() == null || event.at().isBefore(query.until()))
                .filter(event -> cursor == null || NEWEST_FIRST.compare(event, cursor) > 0)
                .sorted(NEWEST_FIRST)
                .limit(query.limit())
                .toList();
    }

    /** Every event, in the order appended. */
    public synchronized List<AuditEvent> all() {
        return List.copyOf(events);
    }
}
