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
        JsonNode node;
        try {
            node = MAPPER.readTree(body.getBytes());
        } catch (IOException e) {
            // Jackson's message may quote the input, which may hold a secret: never echo it.
            throw LatchkeyException.invalidRequest("The request body is not valid JSON.");
        }
        if (node == null || !node.isObject()) {
            throw LatchkeyException.invalidRequest("The request body must be a JSON object.");
        }
        return (ObjectNode) node;
    }

    static Buffer write(Object value) {
        try {
            return Buffer.buffer(MAPPER.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a response", e);
        }
    }
}
