package io.latchkey.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.api.Api;
import io.latchkey.core.api.ResourceIdentifier;
import io.latchkey.core.client.Scopes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The {@code api} label of {@code latchkey_tokens_issued_total}: bounded whatever the number of APIs. */
class TokensIssuedTest {
    private static final Pattern API_LABEL = Pattern.compile("^latchkey_tokens_issued_total\\{[^}]*api=\"([^\"]*)\"",
            Pattern.MULTILINE);

    @Test
    void apisBeyondTheCapAreCountedAsOtherAndAddNoSeries() {
        try (LatchkeyMetrics metrics = new LatchkeyMetrics(2)) {
            TokensIssued token = metrics.tokensIssued("/oauth2/token", "client_credentials");
            TokensIssued refresh = metrics.tokensIssued("/oauth2/token", "refresh_token");

            token.count(api("https://a.example/"));
            refresh.count(api("https://b.example/"));
            for (int i = 0; i < 1000; i++) {
                token.count(api("https://many-" + i + ".example/"));
            }
            refresh.count(api("https://a.example/"));
            token.count(null);

            String text = metrics.scrape();
            assertThat(labels(text)).containsExactlyInAnyOrder("none", "https://a.example/", "other", // token
                    "none", "https://b.example/", "https://a.example/"); // refresh
            assertThat(text).contains("latchkey_tokens_issued_total{api=\"other\",endpoint=\"/oauth2/token\","
                            + "grant=\"client_credentials\"} 1000.0")
                    .doesNotContain("many-");
        }
    }

    @Test
    void everyTokenIsCountedOnceWithoutAnApiAsNone() {
        try (LatchkeyMetrics metrics = new LatchkeyMetrics()) {
            TokensIssued token = metrics.tokensIssued("/pipeline/oauth2", "client_credentials");

            token.count(null);
            token.count(null);

            assertThat(metrics.scrape()).contains("latchkey_tokens_issued_total{api=\"none\","
                    + "endpoint=\"/pipeline/oauth2\",grant=\"client_credentials\"} 2.0");
        }
    }

    private static List<String> labels(String text) {
        Matcher matcher = API_LABEL.matcher(text);
        List<String> labels = new ArrayList<>();
        while (matcher.find()) {
            labels.add(matcher.group(1));
        }
        return labels;
    }

    private static Api api(String identifier) {
        return new Api("api-" + identifier.hashCode(), new ResourceIdentifier(identifier), null, Scopes.NONE, null,
                Instant.EPOCH);
    }
}
