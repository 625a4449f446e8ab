package io.latchkey.server.http;

import io.vertx.core.buffer.Buffer;

/**
 * The request-body parsers of the HTTP edge, opened to code outside this package that measures
 * them ({@code bench/jmh}'s {@code RequestParsingBenchmark}): the very code the endpoints run, and
 * only the parse operations. It is not an API for applications, and it changes with the parsers.
 */
public final class RequestParsers {
    private RequestParsers() {
    }

    /** A parsed body, read one value at a time as an endpoint reads it. */
    public interface Fields {
        /** The value of {@code name}, or {@code invalid_request} when it is absent. */
        String required(String name);

        /** The value of {@code name}, or null when it is absent. */
        String optional(String name);
    }

    /**
     * A form body of {@code /oauth2/token}, {@code /oauth2/introspect} or {@code /oauth2/revoke}
     * ({@link OAuthParameters}, RFC 6749 §4.4.2): a parameter given twice is {@code invalid_request},
     * an empty one counts as absent.
     */
    public static Fields form(String body) {
        return new Form(OAuthParameters.fromForm(body));
    }

    /** A JSON body of {@code /pipeline/oauth2} ({@link Json}, {@link JsonFields}): strict, never coerced. */
    public static Fields json(Buffer body) {
        return new JsonBody(new JsonFields(Json.parseObject(body)));
    }

    private record Form(OAuthParameters parameters) implements Fields {
        @Override
        public String required(String name) {
            return parameters.require(name);
        }

        @Override
        public String optional(String name) {
            return parameters.get(name);
        }
    }

    private record JsonBody(JsonFields fields) implements Fields {
        @Override
        public String required(String name) {
            return fields.text(name);
        }

        @Override
        public String optional(String name) {
            return fields.optionalText(name);
        }
    }
}
