package io.latchkey.core.audit;

import java.util.List;

/** The append-only audit log. */
public interface AuditLog {
    void append(AuditEvent event);

    /** Events matching {@code query}, newest first. */
    List<AuditEvent> find(AuditQuery query);
}
