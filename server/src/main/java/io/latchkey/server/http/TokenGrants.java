package io.latchkey.server.http;

import io.latchkey.core.auth.CallerAuthentication;
import io.latchkey.core.auth.Caller;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.token.Confirmation;
import io.latchkey.core.token.IssuedTokens;
import io.latchkey.server.Services;
import io.latchkey.server.metrics.LatchkeyMetrics;
import io.latchkey.server.metrics.TokensIssued;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Function;

/**
 * The two grants as a token endpoint runs them, once for both endpoints that issue tokens
 * ({@code /oauth2/token} and {@code /pipeline/oauth2}), which differ only in how they spell the
 * answer: authenticate the caller, run the grant (bound to the key of a DPoP proof when the request
 * has one, RFC 9449 §5), count the token.
 */
final class TokenGrants {
    /** RFC 8707 §2's {@code resource}, and {@code audience}, the name other servers give it (SPEC §6). */
    static final List<String> RESOURCE_PARAMETERS = List.of("resource", "audience");

    private final Services services;
    private final Operations operations;
    private final Function<IssuedTokens, Reply> answer;
    private final DpopProofs dpop;
    private final TokensIssued clientCredentialsIssued;
    private final TokensIssued refreshIssued;

    TokenGrants(Services services, Operations operations, LatchkeyMetrics metrics, String endpoint,
                Function<IssuedTokens, Reply> answer) {
        this.services = services;
        this.operations = operations;
        this.answer = answer;
        this.dpop = new DpopProofs(services.dpop(), services.tokenSettings().issuer(), endpoint);
        this.clientCredentialsIssued = metrics.tokensIssued(endpoint, "client_credentials");
        this.refreshIssued = metrics.tokensIssued(endpoint, "refresh_token");
    }

    /**
     * The API a token request names (RFC 8707 §2), or null: {@code resource} or {@code audience},
     * one value at most ({@code invalid_target} otherwise, RFC 8707 §2: this server issues tokens
     * for one API at a time).
     */
    static String resource(RequestFields fields) {
        String resource = fields.value("resource");
        String audience = fields.value("audience");
        if (resource != null && audience != null) {
            throw oneResourceOnly();
        }
        return resource != null ? resource : audience;
    }

    static LatchkeyException oneResourceOnly() {
        return new LatchkeyException(ErrorCode.INVALID_TARGET, "Name at most one resource (or audience) per token request.");
    }

    /**
     * RFC 6749 §4.4, on the event loop when the client is in memory, and for a {@code resource}
     * its grants too (APIs always are).
     */
    void clientCredentials(RoutingContext ctx, CallerAuthentication.Attempt attempt, String scope, String resource) {
        Confirmation binding = dpop.binding(ctx);
        boolean inMemory = attempt.inMemory() && (resource == null
                || attempt.credential().claimedClientId() == null
                || services.apis().areGrantsCached(attempt.credential().claimedClientId()));
        operations.run(ctx, inMemory, () -> {
            Caller.ClientCaller client = (Caller.ClientCaller) attempt.caller();
            IssuedTokens issued = services.clientCredentials().grant(client.client(), scope, resource,
                    Confirmation.both(binding, client.boundTo()));
            Reply reply = answer.apply(issued);
            clientCredentialsIssued.count(issued.api());
            RequestObserver.authenticated(ctx, client.client().id().value());
            return reply;
        });
    }

    /** RFC 6749 §6: consumes the refresh token in the store, so always on a worker. */
    void refresh(RoutingContext ctx, CallerAuthentication.Attempt attempt, String refreshToken, String scope,
                 String resource) {
        Confirmation binding = dpop.binding(ctx);
        operations.onWorker(ctx, () -> {
            IssuedTokens issued = services.refreshTokens().refresh(refreshToken, FrontDoor.actor(attempt), scope,
                    resource, Confirmation.both(binding,
                            attempt.caller() instanceof Caller.ClientCaller client ? client.boundTo() : null));
            Reply reply = answer.apply(issued);
            refreshIssued.count(issued.api());
            if (attempt.caller() instanceof Caller.ClientCaller client) {
                RequestObserver.authenticated(ctx, client.client().id().value());
            }
            return reply;
        });
    }
}
