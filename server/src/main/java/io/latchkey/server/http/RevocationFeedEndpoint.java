package io.latchkey.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.latchkey.core.apikey.ApiKeyRole;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.token.RevocationFeed;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code GET /oauth2/revocations} (SPEC §9): what an API verifying tokens offline must refuse.
 * Without {@code cursor} every live entry; with {@code cursor} those learnt since, or every live
 * entry when the cursor is older than this instance can tell (a verifier merges either answer into
 * what it holds). {@code wait} (seconds, at most {@value #MAX_WAIT_SECONDS}) holds an answer that
 * would be empty until something is new or the time is up.
 *
 * <p>The caller authenticates as for introspection: an API key of either role (a protected API
 * holds a {@code verifier} key) or a client with HTTP Basic; a GET has no body for other methods.
 * The answer comes from memory ({@link RevocationFeed}) on the event loop; a cached caller reads
 * no database. While the instance may be missing revocations (its change feed cannot read the
 * store) it answers 503 instead, so that a verifier counts itself behind rather than current.
 */
final class RevocationFeedEndpoint {
    static final int MAX_WAIT_SECONDS = 30;
    /** A cursor is a change-log number: at most 19 digits. */
    private static final int MAX_CURSOR_DIGITS = 18;

    private final RevocationFeed feed;
    private final Operations operations;

    RevocationFeedEndpoint(RevocationFeed feed, Operations operations) {
        this.feed = feed;
        this.operations = operations;
    }

    void handle(RoutingContext ctx) {
        var attempt = FrontDoor.begin(ctx, Credentials.API_KEY_OR_CLIENT, RequestFields.NONE);
        operations.authenticated(ctx, attempt, () -> {
            AdminAuthentication.requireRole(attempt, ApiKeyRole.VERIFIER); // either role: as introspection
            long cursor = cursor(ctx);
            int wait = waitSeconds(ctx);
            requireCurrent();
            if (cursor < 0) {
                answer(ctx, feed.all());
                return;
            }
            RevocationFeed.Page page = feed.after(cursor);
            if (wait == 0 || !page.entries().isEmpty() || page.complete()) {
                answer(ctx, page);
                return;
            }
            new LongPoll(ctx, cursor).start(wait);
        });
    }

    /**
     * One held request: answered by the first of news, the feed going stale, the time running
     * out, or never if the caller goes away first; the feed calls it from its writer's thread, so
     * it hops to the request's event loop before looking.
     */
    private final class LongPoll {
        private final RoutingContext ctx;
        private final long cursor;
        private final Vertx vertx;
        private final Context context;
        private final AtomicBoolean done = new AtomicBoolean();
        private final Runnable watcher;
        private long timer;

        LongPoll(RoutingContext ctx, long cursor) {
            this.ctx = ctx;
            this.cursor = cursor;
            this.vertx = ctx.vertx();
            this.context = vertx.getOrCreateContext();
            this.watcher = () -> context.runOnContext(ignored -> look());
        }

        void start(int waitSeconds) {
            timer = vertx.setTimer(waitSeconds * 1000L, id -> finish(() -> answer(ctx, feed.after(cursor))));
            ctx.response().closeHandler(ignored -> finish(() -> { }));
            feed.watch(watcher);
            look(); // what was learnt between the first look and watching
        }

        private void look() {
            if (done.get()) {
                return;
            }
            if (feed.isStale()) {
                finish(() -> Responses.sendError(ctx, unavailable()));
                return;
            }
            RevocationFeed.Page page = feed.after(cursor);
            if (!page.entries().isEmpty() || page.complete()) {
                finish(() -> answer(ctx, page));
            }
        }

        private void finish(Runnable reply) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            feed.unwatch(watcher);
            vertx.cancelTimer(timer);
            RequestObserver.inScope(ctx, reply);
        }
    }

    private void requireCurrent() {
        if (feed.isStale()) {
            throw unavailable();
        }
    }

    private static LatchkeyException unavailable() {
        return new LatchkeyException(ErrorCode.TEMPORARILY_UNAVAILABLE,
                "The revocation feed is behind the store; ask again shortly.");
    }

    /** The {@code cursor} parameter, or -1 without one. */
    private static long cursor(RoutingContext ctx) {
        String value = single(ctx, "cursor");
        if (value == null) {
            return -1;
        }
        if (value.isEmpty() || value.length() > MAX_CURSOR_DIGITS || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw LatchkeyException.invalidRequest("The parameter 'cursor' must be a cursor this endpoint answered.");
        }
        return Long.parseLong(value);
    }

    /** The {@code wait} parameter in seconds, 0 without one. */
    private static int waitSeconds(RoutingContext ctx) {
        String value = single(ctx, "wait");
        if (value == null) {
            return 0;
        }
        if (value.isEmpty() || value.length() > 2 || !value.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(value) > MAX_WAIT_SECONDS) {
            throw LatchkeyException.invalidRequest("The parameter 'wait' must be a whole number of seconds from 0 to "
                    + MAX_WAIT_SECONDS + ".");
        }
        return Integer.parseInt(value);
    }

    /** RFC 6749 §3.2 spirit: a parameter given twice is an error, not a choice. */
    private static String single(RoutingContext ctx, String name) {
        List<String> values = ctx.queryParam(name);
        if (values.size() > 1) {
            throw LatchkeyException.invalidRequest("The parameter '" + name + "' is given more than once.");
        }
        return values.isEmpty() ? null : values.get(0);
    }

    /** {@code {"cursor":"…","entries":[{"type","id","until"}…]}}, written straight into a buffer. */
    private static void answer(RoutingContext ctx, RevocationFeed.Page page) {
        Responses.send(ctx, Reply.ok(render(page)).withNoStore());
    }

    static Buffer render(RevocationFeed.Page page) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(64 + 64 * page.entries().size());
        try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(bytes)) {
            json.writeStartObject();
            json.writeStringField("cursor", Long.toString(page.cursor()));
            json.writeArrayFieldStart("entries");
            for (RevocationFeed.Entry entry : page.entries()) {
                json.writeStartObject();
                json.writeStringField("type", entry.type().wireName());
                json.writeStringField("id", entry.id());
                json.writeNumberField("until", entry.until());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the revocation feed", e); // in memory: does not happen
        }
        return Buffer.buffer(bytes.toByteArray());
    }
}
