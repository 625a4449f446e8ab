package io.latchkey.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.latchkey.core.error.LatchkeyException;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a request to a standard OAuth endpoint: form-encoded (RFC 6749 §4.4.2,
 * RFC 7662 §2.1, RFC 7009 §2.1) or, as a convenience, a flat JSON object of strings. A parameter
 * given twice is an error (RFC 6749 §3.2).
 */
final class OAuthParameters implements RequestFields {
    private static final int MAX_PARAMETERS = 64;
    private final Map<String, String> values;

    private OAuthParameters(Map<String, String> values) {
        this.values = values;
    }

    static OAuthParameters parse(RoutingContext ctx) {
        return parse(MediaTypes.of(ctx), RequestBody.of(ctx));
    }

    static OAuthParameters parse(String mediaType, Buffer body) {
        if (MediaTypes.FORM.equals(mediaType)) {
            return fromForm(body == null ? "" : body.toString(StandardCharsets.UTF_8));
        }
        if (MediaTypes.JSON.equals(mediaType)) {
            return fromJson(Json.parseObject(body));
        }
        throw MediaTypes.unsupported("Send the parameters as application/x-www-form-urlencoded (or application/json).");
    }

    // Package-private for RequestParsers, through which the benchmarks reach it.
    static OAuthParameters fromForm(String body) {
        if (body.startsWith("=") || body.contains("&=")) {
            throw LatchkeyException.invalidRequest("The form body has a value without a name.");
        }
        Map<String, List<String>> decoded;
        try {
            decoded = new QueryStringDecoder(body, StandardCharsets.UTF_8, false, MAX_PARAMETERS, true).parameters();
        } catch (IllegalArgumentException e) {
            throw LatchkeyException.invalidRequest("The form body is not validly encoded.");
        }
        Map<String, String> values = new HashMap<>();
        for (Map.Entry<String, List<String>> entry : decoded.entrySet()) {
            if (entry.getValue().size() > 1) {
                if (TokenGrants.RESOURCE_PARAMETERS.contains(entry.getKey())) {
                    throw TokenGrants.oneResourceOnly();
                }
                throw LatchkeyException.invalidRequest("The parameter '" + printable(entry.getKey())
                        + "' must not be given more than once.");
            }
            values.put(entry.getKey(), entry.getValue().get(0));
        }
        return new OAuthParameters(values);
    }

    private static OAuthParameters fromJson(ObjectNode body) {
        Map<String, String> values = new HashMap<>();
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            if (!field.getValue().isTextual()) {
                if (field.getValue().isArray() && TokenGrants.RESOURCE_PARAMETERS.contains(field.getKey())) {
                    throw TokenGrants.oneResourceOnly();
                }
                throw LatchkeyException.invalidRequest("The parameter '" + printable(field.getKey())
                        + "' must be a string.");
            }
            values.put(field.getKey(), field.getValue().textValue());
        }
        return new OAuthParameters(values);
    }

    /** A parameter's value; an empty value counts as absent (RFC 6749 §3.1). */
    String get(String name) {
        String value = values.get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    @Override
    public String value(String name) {
        return get(name);
    }

    String require(String name) {
        String value = get(name);
        if (value == null) {
            throw LatchkeyException.invalidRequest("The parameter '" + name + "' is required.");
        }
        return value;
    }

    /** Parameter names are echoed in errors: keep them short and printable. */
    private static String printable(String name) {
        String cleaned = name.replaceAll("[^\\x20-\\x7E]", "?");
        return cleaned.length() > 40 ? cleaned.substring(0, 40) + "…" : cleaned;
    }
}
