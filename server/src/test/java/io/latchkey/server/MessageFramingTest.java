package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where a request's body ends must not be a matter of opinion (RFC 9112 §6, issue 14 finding 8):
 * a proxy in front that reads the framing one way and this server another is request smuggling.
 * Each test pipelines a second request behind the first on one connection; when the first is
 * framed ambiguously, the second must never be answered.
 */
@Tag("no-store") // framing lives in the HTTP layer: runs once, not again in the PostgreSQL pass
class MessageFramingTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final String SMUGGLED = "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /**
     * RFC 9112 §6.3: such a request is either refused, or read by its transfer coding and the
     * connection closed after the answer. Netty reads it chunked and would keep the connection.
     */
    @Test
    void aRequestWithContentLengthAndChunkedIsAnsweredAloneAndItsConnectionClosed() {
        String request = "POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\n" + SMUGGLED;

        List<RawHttp.Response> answers = send(request);

        assertThat(answers).as("answers on the connection").hasSize(1);
        assertThat(answers.get(0).header("connection")).hasValue("close");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "identity", "gzip, chunked", "chunked, gzip", "chunked, chunked", "chunked\r\nTransfer-Encoding: chunked", "x"})
    void aTransferCodingOtherThanChunkedIsRefusedAndItsConnectionClosed(String codings) {
        String request = "POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n"
                + "Transfer-Encoding: " + codings + "\r\n\r\n"
                + "0\r\n\r\n" + SMUGGLED;

        List<RawHttp.Response> answers = send(request);

        assertThat(answers).as("answers on the connection").hasSize(1);
        assertThat(answers.get(0).status()).isIn(400, 501);
    }

    /** The same smuggling attempt with a Content-Length that covers the "body": still one answer, then closed. */
    @Test
    void anUnknownTransferCodingBesideAContentLengthIsRefusedToo() {
        String smuggledBody = "0\r\n\r\n" + SMUGGLED;
        String request = "POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + smuggledBody.length() + "\r\nTransfer-Encoding: gzip\r\n\r\n"
                + smuggledBody + SMUGGLED;

        List<RawHttp.Response> answers = send(request);

        assertThat(answers).as("answers on the connection").hasSize(1);
        assertThat(answers.get(0).status()).isIn(400, 501);
    }

    /** Chunked alone is read and answered; its connection closes after it, since a Content-Length may have been dropped. */
    @Test
    void aChunkedRequestIsAnsweredAndItsConnectionClosedAfterIt() {
        String form = "grant_type=client_credentials";
        String request = "POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(form.length()) + "\r\n" + form + "\r\n0\r\n\r\n" + SMUGGLED;

        List<RawHttp.Response> answers = send(request);

        assertThat(answers).as("answers on the connection").hasSize(1);
        assertThat(answers.get(0).status()).as(answers.get(0).body()).isEqualTo(401); // read: no client credentials
        assertThat(answers.get(0).header("connection")).hasValue("close");
    }

    /** The bounds above leave well-framed pipelining alone: both requests are answered, in order. */
    @Test
    void twoPipelinedRequestsWithAContentLengthAreBothAnswered() {
        String form = "grant_type=client_credentials";
        String request = "POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length() + "\r\n\r\n"
                + form + "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

        List<RawHttp.Response> answers = send(request);

        assertThat(answers).extracting(RawHttp.Response::status).containsExactly(401, 200);
    }

    private static List<RawHttp.Response> send(String request) {
        return RawHttp.exchangeAll(server.server().port(), request.getBytes(StandardCharsets.ISO_8859_1), DEADLINE);
    }
}
