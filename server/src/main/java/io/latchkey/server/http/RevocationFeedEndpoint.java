package io.latchkey.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.latchkey.core.apikey.ApiKeyRole;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.token.RevocationFeed;
import io.latchkey.core.token.RevocationList;
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
 * Following with a cursor is answered from memory ({@link RevocationFeed}) on the event loop: a
 * cached caller reads no database. The whole list, read once by a verifier at its start (or after
 * this instance restarted), is streamed from the store on a worker. While the instance may be
 * missing revocations (its change feed cannot read the store) it answers 503 instead, so that a
 * verifier counts itself behind rather than current.
 */
final class RevocationFeedEndpoint {
    static final int MAX_WAIT_SECONDS = 30;
    /** A cursor is a change-log number: at most 19 digits. */
    private static final int MAX_CURSOR_DIGITS = 18;

    private final RevocationList revocations;
    private final RevocationFeed feed;
    private final Operations operations;

    RevocationFeedEndpoint(RevocationList revocations, Operations operations) {
        this.revocations = revocations;
        this.feed = revocations.feed();
        this.operations = operations;
    }

    void handle(RoutingContext ctx) {
        var attempt = FrontDoor.begin(ctx, Credentials.API_KEY_OR_CLIENT, RequestFields.NONE);
        operations.authenticated(ctx, attempt, () -> {
            AdminAuthentication.requireRole(attempt, ApiKeyRole.VERIFIER); // either role: as introspection
            long cursor = cursor(ctx);
            int wait = waitSeconds(ctx);
            requireCurrent();
            java.util.Optional<RevocationFeed.Page> news = cursor < 0 ? java.util.Optional.empty() : feed.after(cursor);
            if (news.isEmpty()) {
                answerWholeList(ctx);
            } else if (wait == 0 || !news.get().entries().isEmpty()) {
                answer(ctx, news.get());
            } else {
                new LongPoll(ctx, cursor).start(wait);
            }
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
            timer = vertx.setTimer(waitSeconds * 1000L, id -> finish(() -> answerNews(ctx, cursor)));
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
            java.util.Optional<RevocationFeed.Page> news = feed.after(cursor);
            if (news.isEmpty() || !news.get().entries().isEmpty()) {
                finish(() -> answerNews(ctx, cursor));
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

    /** The news after {@code cursor} from memory, or the whole list when memory cannot tell. */
    private void answerNews(RoutingContext ctx, long cursor) {
        feed.after(cursor).ifPresentOrElse(page -> answer(ctx, page), () -> answerWholeList(ctx));
    }

    private static void answer(RoutingContext ctx, RevocationFeed.Page page) {
        Responses.send(ctx, Reply.ok(render(json -> {
            writeCursor(json, page.cursor());
            for (RevocationFeed.Entry entry : page.entries()) {
                write(json, entry);
            }
        })).withNoStore());
    }

    /** Every live entry, streamed from the store into the answer on a worker. */
    private void answerWholeList(RoutingContext ctx) {
        operations.onWorker(ctx, () -> Reply.ok(render(json -> revocations.forEachLive(cursor -> {
            try {
                writeCursor(json, cursor);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, entry -> {
            try {
                write(json, entry);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }))).withNoStore());
    }

    private interface Entries {
        /** Writes the cursor ({@link #writeCursor}), then the entries. */
        void write(JsonGenerator json) throws IOException;
    }

    /** The cursor field, and the start of the entries. */
    private static void writeCursor(JsonGenerator json, long cursor) throws IOException {
        json.writeStringField("cursor", Long.toString(cursor));
        json.writeArrayFieldStart("entries");
    }

    /** {@code {"cursor":"…","entries":[{"type","id","until"}…]}}, written straight into a buffer. */
    private static Buffer render(Entries entries) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(1024);
        try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(bytes)) {
            json.writeStartObject();
            entries.write(json);
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the revocation feed", e); // in memory: does not happen
        }
        return Buffer.buffer(bytes.toByteArray());
    }

    private static void write(JsonGenerator json, RevocationFeed.Entry entry) throws IOException {
        json.writeStartObject();
        json.writeStringField("type", entry.type().wireName());
        json.writeStringField("id", entry.id());
        json.writeNumberField("until", entry.until());
        json.writeEndObject();
    }
}
