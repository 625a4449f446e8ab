package io.latchkey.server.http;

import io.latchkey.core.auth.CallerAuthentication;
import io.latchkey.core.auth.Caller;
import io.latchkey.core.token.IssuedTokens;
import io.latchkey.server.Services;
import io.latchkey.server.metrics.LatchkeyMetrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/**
 * The two grants as a token endpoint runs them, once for both endpoints that issue tokens
 * ({@code /oauth2/token} and {@code /pipeline/oauth2}), which differ only in how they spell the
 * answer: authenticate the caller, run the grant, count the token.
 */
final class TokenGrants {
    private final Services services;
    private final Operations operations;
    private final Function<IssuedTokens, Reply> answer;
    private final Counter clientCredentialsIssued;
    private final Counter refreshIssued;

    TokenGrants(Services services, Operations operations, LatchkeyMetrics metrics, String endpoint,
                Function<IssuedTokens, Reply> answer) {
        this.services = services;
        this.operations = operations;
        this.answer = answer;
        this.clientCredentialsIssued = metrics.tokensIssued(endpoint, "client_credentials");
        this.refreshIssued = metrics.tokensIssued(endpoint, "refresh_token");
    }

    /** RFC 6749 §4.4, on the event loop when the client is in memory. */
    void clientCredentials(RoutingContext ctx, CallerAuthentication.Attempt attempt, String scope) {
        operations.run(ctx, attempt.inMemory(), () -> {
            Caller.ClientCaller client = (Caller.ClientCaller) attempt.caller();
            Reply reply = answer.apply(services.clientCredentials().grant(client.client(), scope));
            clientCredentialsIssued.increment();
            RequestObserver.authenticated(ctx, client.client().id().value());
            return reply;
        });
    }

    /** RFC 6749 §6: consumes the refresh token in the store, so always on a worker. */
    void refresh(RoutingContext ctx, CallerAuthentication.Attempt attempt, String refreshToken, String scope) {
        operations.onWorker(ctx, () -> {
            Reply reply = answer.apply(services.refreshTokens().refresh(refreshToken, FrontDoor.actor(attempt), scope));
            refreshIssued.increment();
            if (attempt.caller() instanceof Caller.ClientCaller client) {
                RequestObserver.authenticated(ctx, client.client().id().value());
            }
            return reply;
        });
    }
}
