package io.latchkey.store.jdbc;

import io.latchkey.core.webhook.RetrySchedule;
import io.latchkey.core.webhook.WebhookDelivery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dispatcher's side of the webhook tables: fanning outbox events out into deliveries, finding
 * each webhook's next delivery, and recording how an attempt went. Only the instance holding the
 * {@code webhooks} lease calls it, so a webhook's {@code seq} numbers have one writer.
 */
public final class WebhookQueue {
    /** A delivery due now, with what it sends and where. */
    public record Due(WebhookDelivery delivery, String url, Instant eventAt, String data) {
    }

    private static final String OPEN = "('pending', 'failing')";
    private final Database database;

    public WebhookQueue(Database database) {
        this.database = database;
    }

    /**
     * Gives each event not fanned out yet, oldest first, one delivery per webhook that subscribes
     * to its type and existed when it happened; returns how many events it took (at most {@code limit}).
     */
    public int fanOut(Instant now, int limit) {
        return database.transaction(connection -> {
            List<String[]> events = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT id, type, at FROM webhook_events "
                    + "WHERE fanned_out = 0 ORDER BY at, ordinal, id LIMIT " + limit);
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    events.add(new String[] {rows.getString("id"), rows.getString("type"),
                            Long.toString(rows.getLong("at"))});
                }
            }
            if (events.isEmpty()) {
                return 0;
            }
            List<String[]> webhooks = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, events, created_at FROM webhooks");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    webhooks.add(new String[] {rows.getString("id"), " " + rows.getString("events") + " ",
                            Long.toString(rows.getLong("created_at"))});
                }
            }
            Map<String, Long> lastSeq = new HashMap<>();
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO webhook_deliveries (webhook_id, "
                    + "seq, event_id, status, attempts, next_attempt_at, created_at, updated_at) "
                    + "VALUES (?, ?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT (event_id, webhook_id) DO NOTHING");
                 PreparedStatement mark = connection.prepareStatement(
                         "UPDATE webhook_events SET fanned_out = 1 WHERE id = ?")) {
                for (String[] event : events) {
                    long at = Long.parseLong(event[2]);
                    for (String[] webhook : webhooks) {
                        boolean subscribed = webhook[1].contains(" * ") || webhook[1].contains(" " + event[1] + " ");
                        if (!subscribed || Long.parseLong(webhook[2]) > at) {
                            continue;
                        }
                        long seq = lastSeq.computeIfAbsent(webhook[0], id -> maxSeq(connection, id)) + 1;
                        lastSeq.put(webhook[0], seq);
                        insert.setString(1, webhook[0]);
                        insert.setLong(2, seq);
                        insert.setString(3, event[0]);
                        Rows.setInstant(insert, 4, now);
                        Rows.setInstant(insert, 5, now);
                        Rows.setInstant(insert, 6, now);
                        insert.executeUpdate();
                    }
                    mark.setString(1, event[0]);
                    mark.executeUpdate();
                }
            }
            return events.size();
        });
    }

    private static long maxSeq(Connection connection, String webhookId) {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT COALESCE(MAX(seq), 0) FROM webhook_deliveries WHERE webhook_id = ?")) {
            select.setString(1, webhookId);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot number a webhook delivery", e);
        }
    }

    /** Each webhook's first open delivery, when it is due by {@code now}: at most one per webhook (in order). */
    public List<Due> due(Instant now) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + JdbcWebhookStore.DELIVERY_COLUMNS
                    + ", e.at AS event_at, e.data, w.url FROM webhook_deliveries d "
                    + "JOIN webhook_events e ON e.id = d.event_id JOIN webhooks w ON w.id = d.webhook_id "
                    + "WHERE d.status IN " + OPEN + " AND d.next_attempt_at <= ? AND d.seq = (SELECT MIN(o.seq) "
                    + "FROM webhook_deliveries o WHERE o.webhook_id = d.webhook_id AND o.status IN " + OPEN + ")")) {
                Rows.setInstant(select, 1, now);
                List<Due> due = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        due.add(new Due(JdbcWebhookStore.delivery(rows), rows.getString("url"),
                                Rows.instant(rows, "event_at"), rows.getString("data")));
                    }
                }
                return due;
            }
        });
    }

    /** Records that the attempt at {@code delivery} was answered 2xx: the webhook is no longer failing. */
    public void delivered(WebhookDelivery delivery, int statusCode, Instant now) {
        database.transaction(connection -> {
            update(connection, delivery, WebhookDelivery.Status.DELIVERED, statusCode, null, null, now);
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE webhooks SET failing_since = NULL WHERE id = ?")) {
                update.setString(1, delivery.webhookId());
                return update.executeUpdate();
            }
        });
    }

    /**
     * Records a failed attempt: retried at {@code nextAttemptAt}, or given up when it is null. From
     * the {@link RetrySchedule#FAILING_AFTER}-th failure on, delivery and webhook count as failing.
     */
    public void failed(WebhookDelivery delivery, Integer statusCode, String error, Instant nextAttemptAt,
                       Instant now) {
        int attempts = delivery.attempts() + 1;
        WebhookDelivery.Status status = nextAttemptAt == null ? WebhookDelivery.Status.FAILED
                : attempts >= RetrySchedule.FAILING_AFTER ? WebhookDelivery.Status.FAILING
                : WebhookDelivery.Status.PENDING;
        database.transaction(connection -> {
            update(connection, delivery, status, statusCode, error, nextAttemptAt, now);
            if (status == WebhookDelivery.Status.PENDING) {
                return 0;
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE webhooks SET failing_since = ? WHERE id = ? AND failing_since IS NULL")) {
                Rows.setInstant(update, 1, now);
                update.setString(2, delivery.webhookId());
                return update.executeUpdate();
            }
        });
    }

    private static void update(Connection connection, WebhookDelivery delivery, WebhookDelivery.Status status,
                               Integer statusCode, String error, Instant nextAttemptAt, Instant now)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE webhook_deliveries SET status = ?, "
                + "attempts = attempts + 1, next_attempt_at = ?, last_status_code = ?, last_error = ?, updated_at = ? "
                + "WHERE webhook_id = ? AND seq = ? AND status IN " + OPEN)) {
            update.setString(1, status.wireName());
            Rows.setInstant(update, 2, nextAttemptAt);
            if (statusCode == null) {
                update.setNull(3, java.sql.Types.INTEGER);
            } else {
                update.setInt(3, statusCode);
            }
            update.setString(4, error);
            Rows.setInstant(update, 5, now);
            update.setString(6, delivery.webhookId());
            update.setLong(7, delivery.seq());
            update.executeUpdate();
        }
    }

    /** How many webhooks are failing now: the gauge. */
    public long countFailing() {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT COUNT(*) FROM webhooks WHERE failing_since IS NOT NULL");
                 ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    /**
     * Deletes finished deliveries last changed before {@code before}, and the events fanned out
     * before it that no delivery names any more; returns how many rows went.
     */
    public int purge(Instant before) {
        return database.transaction(connection -> {
            try (PreparedStatement deliveries = connection.prepareStatement("DELETE FROM webhook_deliveries "
                    + "WHERE status IN ('delivered', 'failed') AND updated_at < ?");
                 PreparedStatement events = connection.prepareStatement("DELETE FROM webhook_events "
                         + "WHERE fanned_out = 1 AND at < ? AND NOT EXISTS "
                         + "(SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)")) {
                Rows.setInstant(deliveries, 1, before);
                Rows.setInstant(events, 1, before);
                return deliveries.executeUpdate() + events.executeUpdate();
            }
        });
    }
}
