package io.latchkey.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.sqlite.core.CoreStatement;

/**
 * The prepared statements of the hot transactions (a refresh's consumption, a client's and an
 * audit event's inserts), kept prepared on the one connection of the SQLite writer from one
 * transaction to the next instead of being compiled again by SQLite for every unit. Only the
 * writer thread touches it.
 *
 * <p>sqlite-jdbc finalizes a statement whose step failed (a constraint, a full disk), and a
 * rollback leaves the others in no state worth trusting: after any failure the writer
 * {@link #discard discards} them all and the next unit prepares them again. Failures are rare,
 * so that costs nothing on the road that matters.
 */
final class KeptStatements {
    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    KeptStatements(Connection connection) {
        this.connection = connection;
    }

    /** The statement for {@code sql}, prepared on first use (or first use after a discard). */
    PreparedStatement get(String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null || finalized(statement)) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    /**
     * Whether the driver finalized {@code statement} after a failed step (it does so without
     * marking it closed): a unit that caught such a failure and went on must not leave the next
     * one a dead statement.
     */
    private static boolean finalized(PreparedStatement statement) {
        return statement instanceof CoreStatement core && core.pointer.isClosed();
    }

    boolean isFor(Connection other) {
        return connection == other;
    }

    /** Closes every kept statement; the next {@link #get} prepares it again. */
    void discard() {
        for (PreparedStatement statement : statements.values()) {
            try {
                statement.close();
            } catch (SQLException e) {
                // Already finalized by the driver after its failure: nothing left to free.
            }
        }
        statements.clear();
    }

    /** Statements kept now (tests). */
    int size() {
        return statements.size();
    }
}
