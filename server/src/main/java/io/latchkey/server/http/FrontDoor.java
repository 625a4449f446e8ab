package io.latchkey.server.http;

import io.latchkey.core.audit.Actor;
import io.latchkey.core.auth.CallerAuthentication;
import io.latchkey.core.auth.Credential;
import io.latchkey.core.error.LatchkeyException;
import io.vertx.ext.web.RoutingContext;

/**
 * The edge's half of caller authentication, the one step every endpoint that authenticates a
 * caller goes through: it reads the credential the request carries in one of the ways the
 * endpoint {@linkplain Credentials.Accepted accepts}, and begins the {@link CallerAuthentication}
 * attempt, which refuses a credential that has failed too often. The attempt stays with the
 * request, so that any failure of the request is charged to it exactly once, wherever it
 * happened ({@link #failed}).
 */
final class FrontDoor {
    private static final String KEY = "latchkey.frontDoor";
    private static final String ATTEMPT = "latchkey.attempt";

    private final CallerAuthentication authentication;
    private final SourceAddress sources;

    FrontDoor(CallerAuthentication authentication, SourceAddress sources) {
        this.authentication = authentication;
        this.sources = sources;
    }

    /** Makes this door reachable from {@code ctx} for the rest of the request. */
    void attach(RoutingContext ctx) {
        ctx.put(KEY, this);
    }

    /**
     * Reads the request's credential and begins its authentication; the caller is checked where
     * the operation runs ({@link CallerAuthentication.Attempt#caller()}).
     *
     * @throws LatchkeyException a malformed or missing credential, or {@code too_many_requests}
     */
    static CallerAuthentication.Attempt begin(RoutingContext ctx, Credentials.Accepted accepted, RequestFields fields) {
        FrontDoor door = ctx.get(KEY);
        String source = door.sources.of(ctx.request());
        Credential credential;
        try {
            credential = accepted.read(ctx, fields);
        } catch (LatchkeyException unreadable) {
            // A missing or malformed credential is a failed attempt too: it is charged like one.
            ctx.put(ATTEMPT, door.authentication.begin(new Credential.None(), source));
            throw unreadable;
        }
        CallerAuthentication.Attempt attempt = door.authentication.begin(credential, source);
        ctx.put(ATTEMPT, attempt);
        return attempt;
    }

    /** The actor of an attempt whose caller has been checked, for the audit log. */
    static Actor actor(CallerAuthentication.Attempt attempt) {
        return new Actor(attempt.caller(), attempt.source());
    }

    /**
     * What to answer for {@code failure} of the request: a failed authentication is charged to
     * the request's attempt (and may become {@code too_many_requests}); anything else as it is.
     */
    static Throwable failed(RoutingContext ctx, Throwable failure) {
        CallerAuthentication.Attempt attempt = ctx.get(ATTEMPT);
        if (attempt != null && failure instanceof LatchkeyException known) {
            return attempt.failed(known);
        }
        return failure;
    }

    /** The source address of the request, for the audit and access logs. */
    static String source(RoutingContext ctx) {
        FrontDoor door = ctx.get(KEY);
        return door == null ? null : door.sources.of(ctx.request());
    }
}
