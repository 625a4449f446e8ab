package io.latchkey.store.jdbc;

import java.sql.PreparedStatement;
import java.time.Instant;

/**
 * Deletes in bounded batches, one short transaction each, so purging a large backlog never holds
 * a long lock or a huge transaction. The SQL ({@code DELETE … WHERE key IN (SELECT … LIMIT n)})
 * runs unchanged on SQLite and PostgreSQL.
 */
final class Batches {
    private Batches() {
    }

    static int deleteAll(Database database, String table, String key, String condition, Instant bound, int batch) {
        return deleteAll(database, table, key, condition, bound.toEpochMilli(), batch);
    }

    /** The same, with a number for the one parameter of {@code condition} (Instants are epoch milliseconds). */
    static int deleteAll(Database database, String table, String key, String condition, long bound, int batch) {
        String sql = "DELETE FROM " + table + " WHERE " + key + " IN (SELECT " + key + " FROM " + table
                + " WHERE " + condition + " LIMIT " + batch + ")";
        int total = 0;
        while (true) {
            int deleted = database.transaction(connection -> {
                try (PreparedStatement delete = connection.prepareStatement(sql)) {
                    delete.setLong(1, bound);
                    return delete.executeUpdate();
                }
            });
            total += deleted;
            if (deleted < batch) {
                return total;
            }
        }
    }
}
