package io.latchkey.store.jdbc;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.latchkey.core.secret.SecretGenerator;
import io.latchkey.core.webhook.WebhookEventType;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The webhook outbox ({@code webhook_events}): a store that changes something webhooks report
 * appends the event inside the transaction of that change, one small INSERT, so the event is
 * durable exactly when the change is (SPEC §10: a {@code kill -9} after the answer loses nothing),
 * and a rolled-back change reports nothing. Whom to tell is decided later, off the request's path,
 * by {@link WebhookQueue#fanOut}.
 *
 * <p>An event's {@code data} names what changed (client, partner, key ids) and never carries a
 * secret or a token. Its id ({@code msg_…}) is the {@code webhook-id} of every delivery of it.
 * Events of one process keep their order within a millisecond through {@code ordinal}, its
 * monotonic clock (an order only, never read as a time).
 */
public final class WebhookOutbox {
    /** An outbox that records nothing: for stores used without a server (benchmarks, tools). */
    public static final WebhookOutbox NONE = new WebhookOutbox(null, (SecretGenerator) null);

    private static final String INSERT = "INSERT INTO webhook_events (id, type, at, ordinal, data) VALUES (?, ?, ?, ?, ?)";

    private final Clock clock;
    private final SecretGenerator ids;

    public WebhookOutbox(Clock clock, SecureRandom random) {
        this(clock, random == null ? null : new SecretGenerator(random));
    }

    public WebhookOutbox(Clock clock, SecretGenerator ids) {
        this.clock = clock;
        this.ids = ids;
    }

    /** Appends an event of {@code type} with {@code data} (field name, value pairs) within the caller's transaction. */
    public void append(Connection connection, WebhookEventType type, Object... data) throws SQLException {
        if (clock == null) {
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < data.length; i += 2) {
            Object value = data[i + 1];
            fields.put((String) data[i], value instanceof Instant instant ? instant.toString() : value);
        }
        Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        try (Prepared prepared = Prepared.on(connection, INSERT)) {
            PreparedStatement insert = prepared.statement();
            insert.setString(1, "msg_" + ids.timeOrderedId(at));
            insert.setString(2, type.wireName());
            Rows.setInstant(insert, 3, at);
            insert.setLong(4, System.nanoTime());
            insert.setString(5, JSONObjectUtils.toJSONString(fields));
            insert.executeUpdate();
        }
    }
}
