package io.latchkey.server.http;

import io.vertx.ext.web.RoutingContext;

/** How an endpoint spells its errors; declared once per route, and kept with the request. */
enum ErrorStyle {
    /** SPEC §2 and the admin API: {@code {"code","message","error"}}. */
    PIPELINE,
    /** RFC 6749 §5.2: {@code {"error","error_description"}}. */
    OAUTH;

    private static final String KEY = "latchkey.errorStyle";

    /** Marks {@code ctx} as answered in this style. */
    void applyTo(RoutingContext ctx) {
        ctx.put(KEY, this);
    }

    /** The style of the route answering {@code ctx}; the pipeline's where no route has claimed it. */
    static ErrorStyle of(RoutingContext ctx) {
        ErrorStyle style = ctx.get(KEY);
        return style == null ? PIPELINE : style;
    }
}
