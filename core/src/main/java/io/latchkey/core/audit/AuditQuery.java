package io.latchkey.core.audit;

import java.time.Instant;

/**
 * A page of the audit log, newest first.
 *
 * @param before only events strictly before this position (a cursor from the previous page), or null
 */
public record AuditQuery(AuditAction action, String clientId, Instant since, Instant until, AuditCursor before,
                         int limit) {
    public static final int MAX_LIMIT = 500;

    public AuditQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
        }
    }
}
