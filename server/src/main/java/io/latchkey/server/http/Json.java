package io.latchkey.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.latchkey.core.error.LatchkeyException;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * The one JSON mapper, strict on input: duplicate keys, trailing content and deep nesting are
 * errors, not silently resolved, because two parsers that resolve them differently are how
 * request smuggling starts.
 */
final class Json {
    static final ObjectMapper MAPPER = JsonMapper.builder(new JsonFactoryBuilder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(16)
                            .maxStringLength(64 * 1024)
                            .maxNumberLength(32)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    /** The body as a JSON object, or {@code invalid_request} saying what is wrong with it. */
    static ObjectNode parseObject(Buffer body) {
        if (body == null || body.length() == 0) {
            throw LatchkeyException.invalidRequest("The request body is empty; a JSON object is required.");
        }
        byte[] bytes = body.getBytes();
        if (!startsAsUtf8(bytes)) {
            throw LatchkeyException.invalidRequest("The request body must be JSON in UTF-8.");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (IOException e) {
            // Jackson's message may quote the input, which may hold a secret: never echo it.
            throw LatchkeyException.invalidRequest("The request body is not valid JSON.");
        }
        if (node == null || !node.isObject()) {
            throw LatchkeyException.invalidRequest("The request body must be a JSON object.");
        }
        return (ObjectNode) node;
    }

    /**
     * RFC 8259 §8.1: JSON exchanged between systems MUST be UTF-8. Jackson detects UTF-16 and
     * UTF-32 by a byte order mark or by the zero bytes that ASCII takes in them, and reads them;
     * a filter in front that reads UTF-8 would see other text. JSON in UTF-8 never starts with a
     * zero byte in its first two (U+0000 is escaped, and JSON starts with ASCII) nor with 0xFE or
     * 0xFF, which UTF-8 never uses; UTF-16 and UTF-32 always do one or the other.
     */
    private static boolean startsAsUtf8(byte[] bytes) {
        int first = bytes[0] & 0xff;
        return first != 0 && first < 0xfe && (bytes.length < 2 || bytes[1] != 0);
    }

    static Buffer write(Object value) {
        try {
            return Buffer.buffer(MAPPER.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a response", e);
        }
    }
}
