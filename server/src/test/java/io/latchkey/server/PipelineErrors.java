package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/** The error shape of SPEC §2, shared by the pipeline endpoint and the admin API. */
final class PipelineErrors {
    private PipelineErrors() {
    }

    /**
     * Asserts {@code response} is the SPEC §2 error {@code {"code","message","error"}} with
     * {@code code} equal to the HTTP status, and that a 401 names its scheme (RFC 7235).
     */
    static JsonNode assertError(HttpResponse<String> response, int status, String error) {
        assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode body = TestServer.json(response);
        assertThat(body.isObject()).as("body is an object: %s", response.body()).isTrue();
        List<String> fields = new ArrayList<>();
        body.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).as("fields of %s", response.body()).containsExactlyInAnyOrder("code", "message", "error");
        assertThat(body.get("code").isInt()).as("code is a number: %s", response.body()).isTrue();
        assertThat(body.get("code").intValue()).isEqualTo(status);
        assertThat(body.get("error").isTextual()).isTrue();
        assertThat(body.get("error").textValue()).isEqualTo(error);
        assertThat(body.get("message").isTextual()).isTrue();
        assertThat(body.get("message").textValue()).isNotBlank();
        if (status == 401) {
            assertThat(response.headers().firstValue("WWW-Authenticate"))
                    .as("RFC 7235: every 401 carries WWW-Authenticate").hasValueSatisfying(
                            value -> assertThat(value).isNotBlank());
        }
        return body;
    }
}
