package io.latchkey.server.metrics;

import io.latchkey.core.audit.AuditAction;
import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.AuditQuery;
import java.util.List;

/**
 * The audit log, counting on the way the events that are also metrics: a detected refresh-token
 * reuse is audited exactly once (RFC 9700 §4.14.2), so counting here counts each detection once.
 */
public final class CountingAuditLog implements AuditLog {
    private final AuditLog log;
    private final LatchkeyMetrics metrics;

    public CountingAuditLog(AuditLog log, LatchkeyMetrics metrics) {
        this.log = log;
        this.metrics = metrics;
    }

    @Override
    public void append(AuditEvent event) {
        if (event.action() == AuditAction.REFRESH_TOKEN_REUSE_DETECTED) {
            metrics.countRefreshReuse();
        }
        log.append(event);
    }

    @Override
    public List<AuditEvent> find(AuditQuery query) {
        return log.find(query);
    }
}
