package io.latchkey.server.http;

/** How an endpoint spells its errors. */
enum ErrorStyle {
    /** SPEC §2 and the admin API: {@code {"code","message","error"}}. */
    PIPELINE,
    /** RFC 6749 §5.2: {@code {"error","error_description"}}. */
    OAUTH
}
