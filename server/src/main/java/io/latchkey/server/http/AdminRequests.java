package io.latchkey.server.http;

import io.latchkey.core.audit.Actor;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.error.LatchkeyException;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/** What the admin routes read from a request, said once: the actor, bodies, path and query values. */
final class AdminRequests {
    static final String ACTOR = "latchkey.actor";
    private static final int MAX_NAME = 200;
    /** The instants a query may name: what the store's millisecond columns hold with room to spare. */
    private static final Instant EARLIEST = Instant.EPOCH;
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private AdminRequests() {
    }

    /** Who is calling, as {@link AdminAuthentication} found. */
    static Actor actor(RoutingContext ctx) {
        return ctx.get(ACTOR);
    }

    /** A required JSON object body. */
    static JsonFields jsonBody(RoutingContext ctx) {
        MediaTypes.requireJson(ctx);
        return new JsonFields(Json.parseObject(RequestBody.of(ctx)));
    }

    /** A JSON object body, or null when the request has none (every field optional). */
    static JsonFields optionalJsonBody(RoutingContext ctx) {
        Buffer raw = RequestBody.of(ctx);
        if (raw == null || raw.length() == 0) {
            return null;
        }
        MediaTypes.requireJson(ctx);
        return new JsonFields(Json.parseObject(raw));
    }

    static String optionalName(JsonFields fields) {
        String name = fields.optionalText("name");
        if (name != null && name.length() > MAX_NAME) {
            throw LatchkeyException.invalidRequest("The field 'name' must be at most " + MAX_NAME + " characters.");
        }
        return JsonFields.storable("name", name);
    }

    /** The {@code :clientId} of the path; a malformed one names no client. */
    static ClientId clientId(RoutingContext ctx) {
        String value = ctx.pathParam("clientId");
        if (!ClientId.isWellFormed(value)) {
            throw LatchkeyException.notFound("No client with that clientId.");
        }
        return new ClientId(value);
    }

    /** A query parameter given at most once; empty counts as absent. */
    static String single(RoutingContext ctx, String name) {
        List<String> values = ctx.queryParam(name);
        if (values.size() > 1) {
            throw LatchkeyException.invalidRequest("Give " + name + " at most once.");
        }
        return values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
    }

    /** An ISO-8601 instant query parameter, within the years 1970 to 9999. */
    static Instant instant(RoutingContext ctx, String name) {
        String value = single(ctx, name);
        if (value == null) {
            return null;
        }
        Instant parsed;
        try {
            parsed = Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw LatchkeyException.invalidRequest(name + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z.");
        }
        if (parsed.isBefore(EARLIEST) || parsed.isAfter(LATEST)) {
            throw LatchkeyException.invalidRequest(name + " must be an instant between 1970 and 9999.");
        }
        return parsed;
    }
}
