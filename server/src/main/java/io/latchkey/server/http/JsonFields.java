package io.latchkey.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.latchkey.core.error.LatchkeyException;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed, strict access to the fields of a JSON request body: a field of the wrong JSON type is an
 * error ({@code "partnerId": 42} is a 400), never coerced.
 */
final class JsonFields implements RequestFields {
    private final ObjectNode body;

    JsonFields(ObjectNode body) {
        this.body = body;
    }

    boolean has(String name) {
        return body.has(name);
    }

    @Override
    public String value(String name) {
        return optionalText(name);
    }

    /** A required string field. */
    String text(String name) {
        String value = optionalText(name);
        if (value == null) {
            throw LatchkeyException.invalidRequest("The field '" + name + "' is required.");
        }
        return value;
    }

    /** An object field as its JSON text, or null when absent or JSON null. */
    String optionalObjectJson(String name) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw LatchkeyException.invalidRequest("The field '" + name + "' must be an object.");
        }
        return node.toString();
    }

    /** A boolean field, false when absent or JSON null. */
    boolean optionalBoolean(String name) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw LatchkeyException.invalidRequest("The field '" + name + "' must be true or false.");
        }
        return node.booleanValue();
    }

    /** A string field, or null when absent or JSON null. */
    String optionalText(String name) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw LatchkeyException.invalidRequest("The field '" + name + "' must be a string.");
        }
        return node.textValue();
    }

    /** A required string field with at least one non-blank character and at most {@code max}, fit to store. */
    String nonBlankText(String name, int max) {
        String value = text(name);
        if (value.isBlank()) {
            throw LatchkeyException.invalidRequest("The field '" + name + "' must not be blank.");
        }
        if (value.length() > max) {
            throw LatchkeyException.invalidRequest("The field '" + name + "' must be at most " + max + " characters.");
        }
        return storable(name, value);
    }

    /**
     * {@code value}, if the store can keep it exactly as given: Unicode text without U+0000 or an
     * unpaired surrogate. PostgreSQL refuses U+0000 in text (which answered 503, as if the store
     * were down) and neither store can encode a lone surrogate as UTF-8 (it came back altered), so
     * such a value is the caller's error, and both stores behave alike.
     *
     * @param name the field or parameter, for the error message
     */
    static String storable(String name, String value) {
        if (value != null && !isStorable(value)) {
            throw LatchkeyException.invalidRequest("The field '" + name
                    + "' must be Unicode text without NUL characters.");
        }
        return value;
    }

    /** Whether {@code value} is Unicode text without U+0000 or an unpaired surrogate (see {@link #storable}). */
    static boolean isStorable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (c == 0 || Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** An array of strings, or null when absent. */
    List<String> optionalTextList(String name) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw LatchkeyException.invalidRequest("The field '" + name + "' must be an array of strings.");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                throw LatchkeyException.invalidRequest("The field '" + name + "' must be an array of strings.");
            }
            values.add(element.textValue());
        }
        return values;
    }

    /** A whole number field within bounds, or {@code fallback} when absent. */
    long optionalLong(String name, long fallback, long min, long max) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()
                || node.longValue() < min || node.longValue() > max) {
            throw LatchkeyException.invalidRequest(
                    "The field '" + name + "' must be a whole number from " + min + " to " + max + ".");
        }
        return node.longValue();
    }
}
