package io.latchkey.server.http;

import io.latchkey.core.client.ClientLimits;
import io.latchkey.core.client.SecretLifetime;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.server.config.AllowedSources;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The fields of SPEC §10 as client creation, change and rotation read them, once for the admin
 * API and the pipeline endpoint: {@code secretTtl}, {@code allowedSources}, {@code tokensPerHour}.
 * Each bad value is a 400 naming the field.
 */
final class GovernanceFields {
    /** More tokens an hour than any client needs; a bound so the number stays a number. */
    static final long MAX_TOKENS_PER_HOUR = 1_000_000_000L;

    private GovernanceFields() {
    }

    /** {@code secretTtl}, an ISO-8601 duration, or null when absent (the default lifetime applies). */
    static Duration secretTtl(JsonFields fields) {
        String text = fields.optionalText("secretTtl");
        return text == null ? null : SecretLifetime.parse("secretTtl", text);
    }

    /** The limits a new client is created with; none when neither field is given. */
    static ClientLimits limits(JsonFields fields) {
        return new ClientLimits(allowedSources(fields), tokensPerHour(fields));
    }

    /**
     * The change of a PATCH: a field left out keeps its value, JSON null drops it (anywhere, no
     * cap), a value replaces it.
     */
    static UnaryOperator<ClientLimits> change(JsonFields fields) {
        List<String> sources = allowedSources(fields);
        boolean clearSources = fields.has("allowedSources") && sources == null;
        long perHour = tokensPerHour(fields);
        boolean clearPerHour = fields.has("tokensPerHour") && perHour == 0;
        return limits -> limits.changed(sources, clearSources, perHour == 0 ? null : perHour, clearPerHour);
    }

    private static List<String> allowedSources(JsonFields fields) {
        List<String> text = fields.optionalTextList("allowedSources");
        if (text == null) {
            return null;
        }
        try {
            return AllowedSources.canonical(text);
        } catch (IllegalArgumentException e) {
            throw LatchkeyException.invalidRequest(e.getMessage());
        }
    }

    /** {@code tokensPerHour}, a whole number from 1, or 0 when absent or null. */
    private static long tokensPerHour(JsonFields fields) {
        return fields.optionalLong("tokensPerHour", 0, 1, MAX_TOKENS_PER_HOUR);
    }
}
