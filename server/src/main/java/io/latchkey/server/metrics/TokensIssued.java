package io.latchkey.server.metrics;

import io.latchkey.core.api.Api;
import io.micrometer.core.instrument.Counter;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@code latchkey_tokens_issued_total} of one endpoint and grant, by the API the access token is
 * for: its identifier (RFC 8707), {@link #NONE} for the server's own audience.
 *
 * <p>The {@code api} label is bounded: a server sees at most {@link ApiLabels}' cap of distinct
 * identifiers as labels (the first ones it issues tokens for since start-up, deleted APIs
 * included), and counts every later one under {@link #OTHER}, so that registering APIs without end
 * cannot grow the series without end. The hot path reads one final field without an API, one map
 * entry with one; only an identifier's first token registers a counter. Each token is also counted
 * in its minute of {@link RecentActivity} (one compare-and-set), for the console's overview.
 */
public final class TokensIssued {
    /** The label of tokens issued without {@code resource}. */
    public static final String NONE = "none";
    /** The label of tokens for APIs beyond the cap. */
    public static final String OTHER = "other";

    private final Function<String, Counter> register;
    private final ApiLabels labels;
    private final Counter withoutApi;
    private final RecentActivity recent;
    private final ConcurrentHashMap<String, Counter> byApi = new ConcurrentHashMap<>();

    TokensIssued(Function<String, Counter> register, ApiLabels labels, RecentActivity recent) {
        this.register = register;
        this.labels = labels;
        this.recent = recent;
        this.withoutApi = register.apply(NONE);
    }

    /** Counts one access token issued for {@code api}, or for the server's own audience when null. */
    public void count(Api api) {
        recent.countToken();
        if (api == null) {
            withoutApi.increment();
            return;
        }
        String identifier = api.identifier().value();
        Counter counter = byApi.get(identifier);
        if (counter == null) {
            // Beyond the cap nothing is remembered per identifier: the registry holds the one OTHER counter.
            counter = labels.admit(identifier) ? byApi.computeIfAbsent(identifier, register) : register.apply(OTHER);
        }
        counter.increment();
    }
}
