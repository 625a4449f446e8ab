package io.latchkey.server.http;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/** The media type of a request body, without parameters, lower-cased. */
final class MediaTypes {
    static final String JSON = "application/json";
    static final String FORM = "application/x-www-form-urlencoded";

    private MediaTypes() {
    }

    static String of(RoutingContext ctx) {
        String header = ctx.request().getHeader("Content-Type");
        if (header == null) {
            return "";
        }
        int semicolon = header.indexOf(';');
        return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    /** Requires a JSON body; anything else is 415. */
    static void requireJson(RoutingContext ctx) {
        if (!JSON.equals(of(ctx))) {
            throw unsupported("This endpoint accepts only application/json.");
        }
    }

    static LatchkeyException unsupported(String message) {
        return new LatchkeyException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, message);
    }
}
