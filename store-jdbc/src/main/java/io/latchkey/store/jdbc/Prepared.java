package io.latchkey.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * A statement of a hot transaction, used as {@code try (Prepared insert = Prepared.on(connection,
 * SQL)) { insert.statement()… }}: on the SQLite writer's connection it is the writer's
 * {@linkplain KeptStatements kept} statement, which closing leaves prepared; on any other
 * connection (PostgreSQL, a reader) it is prepared here and closed after use, as usual.
 */
final class Prepared implements AutoCloseable {
    private final PreparedStatement statement;
    private final boolean kept;

    private Prepared(PreparedStatement statement, boolean kept) {
        this.statement = statement;
        this.kept = kept;
    }

    static Prepared on(Connection connection, String sql) throws SQLException {
        KeptStatements kept = SqliteWriter.keptStatements(connection);
        return kept != null ? new Prepared(kept.get(sql), true)
                : new Prepared(connection.prepareStatement(sql), false);
    }

    PreparedStatement statement() {
        return statement;
    }

    @Override
    public void close() throws SQLException {
        if (kept) {
            statement.clearParameters(); // the next unit sets its own, none of ours lingers
        } else {
            statement.close();
        }
    }
}
