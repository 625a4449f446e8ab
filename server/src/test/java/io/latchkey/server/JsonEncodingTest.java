package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 8259 §8.1: JSON exchanged between systems that are not part of a closed ecosystem MUST be
 * UTF-8. Jackson would detect UTF-16 and UTF-32 by a byte order mark or by the NUL bytes that
 * ASCII takes in them, and read them; a filter in front that reads UTF-8 sees different text.
 */
class JsonEncodingTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Arguments> encodings() {
        return Stream.of(
                Arguments.of("UTF-16BE", false), Arguments.of("UTF-16LE", false),
                Arguments.of("UTF-16BE", true), Arguments.of("UTF-16LE", true),
                Arguments.of("UTF-32BE", false), Arguments.of("UTF-32LE", false),
                Arguments.of("UTF-32BE", true), Arguments.of("UTF-32LE", true));
    }

    @ParameterizedTest(name = "{0}, byte order mark: {1}")
    @MethodSource("encodings")
    void anAdminBodyInUtf16Or32IsAnInvalidRequest(String charset, boolean byteOrderMark) {
        byte[] body = encode("{\"partnerId\":\"acme\"}", charset, byteOrderMark);

        HttpResponse<String> response = post("/admin/clients", body, "X-API-Key", TestServer.ADMIN_KEY);

        PipelineErrors.assertError(response, 400, "invalid_request");
    }

    @ParameterizedTest(name = "{0}, byte order mark: {1}")
    @MethodSource("encodings")
    void aPipelineBodyInUtf16Or32IsAnInvalidRequest(String charset, boolean byteOrderMark) {
        byte[] body = encode("{\"executionType\":\"create\",\"apikey\":\"" + TestServer.ADMIN_KEY
                + "\",\"partnerId\":\"acme\"}", charset, byteOrderMark);

        HttpResponse<String> response = post("/pipeline/oauth2", body);

        PipelineErrors.assertError(response, 400, "invalid_request");
    }

    @Test
    void theSameBodyInUtf8IsAccepted() {
        HttpResponse<String> response = post("/admin/clients",
                "{\"partnerId\":\"acme\"}".getBytes(StandardCharsets.UTF_8), "X-API-Key", TestServer.ADMIN_KEY);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    private static byte[] encode(String json, String charset, boolean byteOrderMark) {
        return ((byteOrderMark ? "\uFEFF" : "") + json).getBytes(Charset.forName(charset));
    }

    private static HttpResponse<String> post(String path, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return server.send(request.build());
    }
}
