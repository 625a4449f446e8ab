package io.latchkey.store.jdbc;

import io.latchkey.core.client.ClientId;
import io.latchkey.core.usage.UsageStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Token counts in {@code client_usage}, one row per client and minute. Instances add to a row
 * ({@code ON CONFLICT … DO UPDATE}, the same SQL on SQLite and PostgreSQL) rather than own rows
 * of their own, so a sum over a window reads each minute once, whatever the number of instances.
 */
public final class JdbcUsageStore implements UsageStore {
    private static final int PURGE_BATCH = 5_000;

    private final Database database;

    public JdbcUsageStore(Database database) {
        this.database = database;
    }

    @Override
    public void add(Map<String, Long> tokens, Instant minute) {
        database.transaction(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement(
                    "INSERT INTO client_usage (client_id, minute_start, tokens) VALUES (?, ?, ?) "
                            + "ON CONFLICT (client_id, minute_start) DO UPDATE SET tokens = client_usage.tokens + excluded.tokens")) {
                for (Map.Entry<String, Long> entry : tokens.entrySet()) {
                    upsert.setString(1, entry.getKey());
                    Rows.setInstant(upsert, 2, minute);
                    upsert.setLong(3, entry.getValue());
                    upsert.addBatch();
                }
                upsert.executeBatch();
                return null;
            }
        });
    }

    @Override
    public Map<String, Window> since(Instant since) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT client_id, SUM(tokens) AS tokens, MIN(minute_start) AS earliest FROM client_usage "
                            + "WHERE minute_start >= ? GROUP BY client_id")) {
                Rows.setInstant(select, 1, since);
                Map<String, Window> windows = new HashMap<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        windows.put(rows.getString("client_id"),
                                new Window(rows.getLong("tokens"), Rows.instant(rows, "earliest")));
                    }
                }
                return windows;
            }
        });
    }

    @Override
    public long count(ClientId id, Instant since) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT COALESCE(SUM(tokens), 0) FROM client_usage WHERE client_id = ? AND minute_start >= ?")) {
                select.setString(1, id.value());
                Rows.setInstant(select, 2, since);
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });
    }

    @Override
    public int purgeBefore(Instant before) {
        return Batches.deleteAll(database, "client_usage", "minute_start", "minute_start < ?", before, PURGE_BATCH);
    }
}
