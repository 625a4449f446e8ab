package io.latchkey.server.http;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.error.StoreUnavailableException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every answer, successes and errors alike: the one place where a result or a failure
 * becomes a status, headers and a body. No response carries a stack trace, and no error message
 * carries a secret (messages come from {@link LatchkeyException}, which never holds one).
 */
final class Responses {
    private static final Logger LOG = LoggerFactory.getLogger(Responses.class);
    private static final String JSON = "application/json";
    private static final String STORE_RETRY_AFTER_SECONDS = "5";

    private Responses() {
    }

    static void send(RoutingContext ctx, Reply reply) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(reply.status());
        if (reply.noStore()) {
            response.putHeader("Cache-Control", "no-store").putHeader("Pragma", "no-cache");
        }
        if (reply.body() == null) {
            response.end();
        } else {
            Buffer body = reply.body() instanceof Buffer written ? written : Json.write(reply.body());
            response.putHeader("Content-Type", reply.contentType()).end(body);
        }
    }

    /** Answers {@code failure} in the error style of the route that answers {@code ctx}. */
    static void sendError(RoutingContext ctx, Throwable failure) {
        LatchkeyException error = asLatchkeyError(failure);
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        ErrorCode code = error.error();
        RequestObserver.failed(ctx, code);
        Map<String, Object> body = new LinkedHashMap<>();
        if (ErrorStyle.of(ctx) == ErrorStyle.PIPELINE) {
            body.put("code", code.status());
            body.put("message", error.getMessage());
            body.put("error", code.code());
        } else {
            body.put("error", code.code());
            body.put("error_description", error.getMessage());
        }
        if (code == ErrorCode.INVALID_CLIENT) {
            // RFC 6749 §5.2 and RFC 7235: every 401 names the scheme to authenticate with.
            response.putHeader("WWW-Authenticate", "Basic realm=\"latchkey\"");
        } else if (code == ErrorCode.INVALID_API_KEY) {
            response.putHeader("WWW-Authenticate", "ApiKey realm=\"latchkey\"");
        } else if (code == ErrorCode.INVALID_TOKEN) {
            response.putHeader("WWW-Authenticate", "Bearer realm=\"latchkey\", error=\"invalid_token\""); // RFC 6750 §3
        } else if (code == ErrorCode.TOO_MANY_REQUESTS) {
            response.putHeader("Retry-After", String.valueOf(error.retryAfterSeconds())); // RFC 9110 §10.2.3
        } else if (code == ErrorCode.TEMPORARILY_UNAVAILABLE) {
            // An outage or a full disk: the store recovers by itself, so say when to look again.
            response.putHeader("Retry-After", STORE_RETRY_AFTER_SECONDS);
        }
        response.setStatusCode(code.status())
                .putHeader("Cache-Control", "no-store")
                .putHeader("Content-Type", JSON)
                .end(Json.write(body));
    }

    /**
     * A failure that a route handler did not produce itself: the body handler's 413, a
     * malformed request Vert.x refused, or an unexpected exception.
     */
    static void sendFailure(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof IllegalArgumentException) {
            // Our handlers answer their own errors (RouteTable.guarded, Operations); what fails the
            // context is Vert.x or Netty refusing the request itself, e.g. a form whose names do
            // not decode ("username%2=", "=x"). The message may quote the body: say nothing of it.
            sendError(ctx, LatchkeyException.invalidRequest(messageFor(ErrorCode.INVALID_REQUEST)));
            return;
        }
        if (failure == null || ctx.statusCode() == 413) {
            ErrorCode code = switch (ctx.statusCode()) {
                case 413 -> ErrorCode.REQUEST_TOO_LARGE;
                case 404 -> ErrorCode.NOT_FOUND;
                case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
                case 400 -> ErrorCode.INVALID_REQUEST;
                default -> ErrorCode.SERVER_ERROR;
            };
            sendError(ctx, new LatchkeyException(code, messageFor(code)));
            return;
        }
        sendError(ctx, failure);
    }

    static String messageFor(ErrorCode code) {
        return switch (code) {
            case REQUEST_TOO_LARGE -> "The request is larger than this server accepts.";
            case NOT_FOUND -> "There is nothing at this path.";
            case METHOD_NOT_ALLOWED -> "This path does not accept that method.";
            case INVALID_REQUEST -> "The request is malformed.";
            default -> "An internal error occurred.";
        };
    }

    private static LatchkeyException asLatchkeyError(Throwable failure) {
        if (failure instanceof LatchkeyException known) {
            return known;
        }
        if (failure instanceof StoreUnavailableException) {
            // An outage makes every request fail alike: one line each, no stack trace flood.
            LOG.warn("Store unavailable: {}", failure.getMessage());
            return new LatchkeyException(ErrorCode.TEMPORARILY_UNAVAILABLE,
                    "The store is unavailable; try again shortly.");
        }
        if (failure instanceof io.netty.handler.codec.DecoderException) {
            // Vert.x decodes form bodies itself; its complaint may quote the body, so say nothing of it.
            return new LatchkeyException(ErrorCode.INVALID_REQUEST, "The form body is not validly encoded.");
        }
        if (failure instanceof io.vertx.ext.web.handler.HttpException http && http.getStatusCode() < 500) {
            // Vert.x Web refusing the request itself, e.g. a query string whose escapes do not
            // decode (?partnerId=%): the caller's error, whose cause may quote the request.
            ErrorCode code = switch (http.getStatusCode()) {
                case 404 -> ErrorCode.NOT_FOUND;
                case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
                case 413 -> ErrorCode.REQUEST_TOO_LARGE;
                default -> ErrorCode.INVALID_REQUEST;
            };
            return new LatchkeyException(code, messageFor(code));
        }
        if (failure instanceof io.vertx.core.http.HttpClosedException) {
            return new LatchkeyException(ErrorCode.INVALID_REQUEST, "The connection closed.");
        }
        LOG.error("Unexpected failure", failure);
        return new LatchkeyException(ErrorCode.SERVER_ERROR, messageFor(ErrorCode.SERVER_ERROR));
    }
}
