package io.latchkey.store.jdbc;

import io.latchkey.core.audit.AuditAction;
import io.latchkey.core.audit.AuditCursor;
import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.AuditQuery;
import io.latchkey.core.webhook.WebhookEventType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** The audit log in {@code audit_events}: inserts only, paged newest first by (time, id). */
public final class JdbcAuditLog implements AuditLog {
    private static final String INSERT = "INSERT INTO audit_events (id, at, action, actor, source, client_id, detail) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?)";

    private final Database database;
    private final WebhookOutbox outbox;

    public JdbcAuditLog(Database database) {
        this(database, WebhookOutbox.NONE);
    }

    /**
     * Reporting {@code client.locked_out} to {@code outbox} with its audit event: a lock-out
     * changes nothing in the store (the limiter is in memory), so its audit record is the change.
     */
    public JdbcAuditLog(Database database, WebhookOutbox outbox) {
        this.database = database;
        this.outbox = outbox;
    }

    @Override
    public void append(AuditEvent event) {
        database.transaction(connection -> {
            try (Prepared prepared = Prepared.on(connection, INSERT)) {
                PreparedStatement insert = prepared.statement();
                insert.setString(1, event.id());
                Rows.setInstant(insert, 2, event.at());
                insert.setString(3, event.action().wireName());
                insert.setString(4, event.actor());
                insert.setString(5, event.source());
                insert.setString(6, event.clientId());
                insert.setString(7, event.detail());
                int inserted = insert.executeUpdate();
                if (event.action() == AuditAction.RATE_LIMIT_LOCKED && event.clientId() != null) {
                    outbox.append(connection, WebhookEventType.CLIENT_LOCKED_OUT, "clientId", event.clientId(),
                            "source", event.source());
                }
                return inserted;
            }
        });
    }

    @Override
    public List<AuditEvent> find(AuditQuery query) {
        StringBuilder sql = new StringBuilder(
                "SELECT id, at, action, actor, source, client_id, detail FROM audit_events WHERE 1 = 1");
        List<Object> parameters = new ArrayList<>();
        if (query.action() != null) {
            sql.append(" AND action = ?");
            parameters.add(query.action().wireName());
        }
        if (query.clientId() != null) {
            sql.append(" AND client_id = ?");
            parameters.add(query.clientId());
        }
        if (query.since() != null) {
            sql.append(" AND at >= ?");
            parameters.add(query.since().toEpochMilli());
        }
        if (query.until() != null) {
            sql.append(" AND at < ?");
            parameters.add(query.until().toEpochMilli());
        }
        if (query.before() != null) {
            sql.append(" AND (at < ? OR (at = ? AND id < ?))");
            parameters.add(query.before().at().toEpochMilli());
            parameters.add(query.before().at().toEpochMilli());
            parameters.add(query.before().id());
        }
        sql.append(" ORDER BY at DESC, id DESC LIMIT ").append(query.limit());
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
                for (int i = 0; i < parameters.size(); i++) {
                    select.setObject(i + 1, parameters.get(i));
                }
                List<AuditEvent> events = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        AuditAction action;
                        try {
                            action = AuditAction.fromWireName(rows.getString("action"));
                        } catch (IllegalArgumentException newerVersion) {
                            continue;
                        }
                        events.add(new AuditEvent(rows.getString("id"), Rows.instant(rows, "at"), action,
                                rows.getString("actor"), rows.getString("source"), rows.getString("client_id"),
                                rows.getString("detail")));
                    }
                }
                return events;
            }
        });
    }
}
