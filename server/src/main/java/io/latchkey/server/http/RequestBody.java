package io.latchkey.server.http;

import io.latchkey.core.error.LatchkeyException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads a request's body into memory, up to a limit, and nothing more. Memory is taken as the
 * bytes arrive, not when a {@code Content-Length} announces them.
 *
 * <p>Vert.x Web's {@code BodyHandler} also has Vert.x decode every form body as it arrives; when a
 * form does not decode, Netty's complaint quotes the body, client secret included, and Vert.x logs
 * it at DEBUG. Every endpoint here parses its own body ({@link OAuthParameters}, {@link Json}), so
 * this reader only collects the bytes: nothing but our parsers ever sees them, and no form is
 * decoded twice.
 */
final class RequestBody implements Handler<RoutingContext> {
    private static final String KEY = RequestBody.class.getName();
    private static final int INITIAL_CAPACITY = 1024;

    private final int limit;

    RequestBody(int limit) {
        this.limit = limit;
    }

    /** The body read for this request, or null when the route reads none. */
    static Buffer of(RoutingContext ctx) {
        return ctx.get(KEY);
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        long declared = declaredLength(request);
        if (declared > limit) {
            ctx.fail(413);
            return;
        }
        String expect = request.getHeader(HttpHeaders.EXPECT);
        if (expect != null) {
            if (!"100-continue".equalsIgnoreCase(expect) || request.version() == HttpVersion.HTTP_1_0) {
                ctx.fail(LatchkeyException.invalidRequest("Only 'Expect: 100-continue' is understood."));
                return;
            }
            ctx.response().writeContinue();
        }
        Collected collected = new Collected();
        request.handler(chunk -> {
            if (collected.tooLarge) {
                return;
            }
            Buffer body = collected.body;
            int length = body == null ? 0 : body.length();
            if (length + chunk.length() > limit) {
                collected.tooLarge = true;
                ctx.fail(413);
                return;
            }
            if (body == null) {
                // Sized by what arrived, never by what was declared: a Content-Length costs
                // nothing until its bytes come (a typical form arrives in one chunk, sized exactly).
                body = collected.body = Buffer.buffer(Math.max(chunk.length(), (int) Math.min(declared, INITIAL_CAPACITY)));
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(done -> {
            if (!collected.tooLarge) {
                ctx.put(KEY, collected.body == null ? Buffer.buffer(0) : collected.body);
                ctx.next();
            }
        });
        request.resume();
    }

    /** The body so far (null until its first bytes) of one request. */
    private static final class Collected {
        Buffer body;
        boolean tooLarge;
    }

    /** The Content-Length header's value; -1 when absent (chunked), past the limit when unreadable. */
    private long declaredLength(HttpServerRequest request) {
        String header = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // Netty refuses such requests before they get here; refuse anyway.
        }
    }
}
