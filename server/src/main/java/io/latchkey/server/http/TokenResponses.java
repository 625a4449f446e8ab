package io.latchkey.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.latchkey.core.token.IssuedTokens;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The bodies of a successful token response on each endpoint, written field by field straight
 * into the response buffer: the busiest answer the server gives, so no map and no data binding.
 */
final class TokenResponses {
    private TokenResponses() {
    }

    /** RFC 6749 §5.1: {@code expires_in} in seconds; {@code token_type} {@code DPoP} for a bound token (RFC 9449 §5). */
    static Reply standard(IssuedTokens tokens) {
        return render(tokens, json -> {
            json.writeStringField("access_token", tokens.accessToken());
            json.writeStringField("token_type", tokens.tokenType());
            json.writeNumberField("expires_in", tokens.accessTokenTtl().toSeconds());
            json.writeStringField("refresh_token", tokens.refreshToken());
        });
    }

    /** The integration model's response, verbatim: {@code expires_in} in milliseconds. */
    static Reply pipeline(IssuedTokens tokens) {
        long millis = tokens.accessTokenTtl().toMillis();
        return render(tokens, json -> {
            json.writeStringField("token_type", tokens.tokenType());
            json.writeNumberField("expires_in", millis);
            json.writeNumberField("ext_expires_in", millis);
            json.writeStringField("access_token", tokens.accessToken());
            json.writeStringField("refresh_token", tokens.refreshToken());
        });
    }

    private interface Fields {
        void write(JsonGenerator json) throws IOException;
    }

    /** The fields, then {@code scope} when the granted scope is not empty (RFC 6749 §5.1). */
    private static Reply render(IssuedTokens tokens, Fields fields) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(1024);
        try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(bytes)) {
            json.writeStartObject();
            fields.write(json);
            if (!tokens.scope().isEmpty()) {
                json.writeStringField("scope", tokens.scope().spaceDelimited());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a token response", e); // in memory: does not happen
        }
        return Reply.ok(Buffer.buffer(bytes.toByteArray())).withNoStore();
    }
}
