package io.latchkey.store.jdbc;

import io.latchkey.core.webhook.Webhook;
import io.latchkey.core.webhook.WebhookDelivery;
import io.latchkey.core.webhook.WebhookStore;
import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Webhooks in {@code webhooks} (event types space-delimited), their logs in {@code webhook_deliveries}. */
public final class JdbcWebhookStore implements WebhookStore {
    private static final String COLUMNS = "id, url, events, created_at, failing_since";
    static final String DELIVERY_COLUMNS = "d.webhook_id, d.seq, d.event_id, d.status, d.attempts, d.next_attempt_at, "
            + "d.last_status_code, d.last_error, d.created_at, d.updated_at, e.type";

    private final Database database;

    public JdbcWebhookStore(Database database) {
        this.database = database;
    }

    @Override
    public void insert(Webhook webhook, String sealedSecret) {
        database.transaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO webhooks (id, url, events, sealed_secret, created_at) VALUES (?, ?, ?, ?, ?)")) {
                insert.setString(1, webhook.id());
                insert.setString(2, webhook.url().toString());
                insert.setString(3, String.join(" ", webhook.events()));
                insert.setString(4, sealedSecret);
                Rows.setInstant(insert, 5, webhook.createdAt());
                return insert.executeUpdate();
            }
        });
    }

    @Override
    public List<Webhook> list() {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM webhooks ORDER BY created_at, id");
                 ResultSet rows = select.executeQuery()) {
                List<Webhook> webhooks = new ArrayList<>();
                while (rows.next()) {
                    webhooks.add(webhook(rows));
                }
                return webhooks;
            }
        });
    }

    @Override
    public Optional<Webhook> find(String id) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM webhooks WHERE id = ?")) {
                select.setString(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(webhook(rows)) : Optional.<Webhook>empty();
                }
            }
        });
    }

    @Override
    public Optional<String> sealedSecret(String id) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT sealed_secret FROM webhooks WHERE id = ?")) {
                select.setString(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(rows.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    @Override
    public boolean delete(String id) {
        return database.transaction(connection -> {
            try (PreparedStatement deliveries = connection.prepareStatement(
                    "DELETE FROM webhook_deliveries WHERE webhook_id = ?");
                 PreparedStatement delete = connection.prepareStatement("DELETE FROM webhooks WHERE id = ?")) {
                deliveries.setString(1, id);
                deliveries.executeUpdate();
                delete.setString(1, id);
                return delete.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<WebhookDelivery> deliveries(String webhookId, Long beforeSeq, int limit) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + DELIVERY_COLUMNS
                    + " FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE d.webhook_id = ?"
                    + (beforeSeq == null ? "" : " AND d.seq < ?") + " ORDER BY d.seq DESC LIMIT " + limit)) {
                select.setString(1, webhookId);
                if (beforeSeq != null) {
                    select.setLong(2, beforeSeq);
                }
                List<WebhookDelivery> deliveries = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        deliveries.add(delivery(rows));
                    }
                }
                return deliveries;
            }
        });
    }

    static WebhookDelivery delivery(ResultSet rows) throws SQLException {
        int code = rows.getInt("last_status_code");
        Integer lastStatusCode = rows.wasNull() ? null : code;
        return new WebhookDelivery(rows.getLong("seq"), rows.getString("webhook_id"), rows.getString("event_id"),
                rows.getString("type"), WebhookDelivery.Status.of(rows.getString("status")), rows.getInt("attempts"),
                lastStatusCode, rows.getString("last_error"), Rows.instant(rows, "next_attempt_at"),
                Rows.instant(rows, "created_at"), Rows.instant(rows, "updated_at"));
    }

    private static Webhook webhook(ResultSet rows) throws SQLException {
        return new Webhook(rows.getString("id"), URI.create(rows.getString("url")),
                List.of(rows.getString("events").split(" ")), Rows.instant(rows, "created_at"),
                Rows.instant(rows, "failing_since"));
    }
}
