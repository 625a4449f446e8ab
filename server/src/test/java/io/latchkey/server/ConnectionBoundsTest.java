package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Slowloris and its kin (issue 14, finding 4), each over real sockets against a started server:
 * a request that arrives too slowly, a connection that stays silent, too many connections from
 * one address or in all, and a {@code Content-Length} that announces bytes that never come. Each
 * server here gets short limits of its own, so the tests take seconds, not minutes.
 */
@Tag("no-store") // the bounds live in the HTTP layer: runs once, not again in the PostgreSQL pass
class ConnectionBoundsTest {
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)\r\n");
    private static final String LIVE = "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

    @Test
    void aClientThatSendsItsHeadersOneByteASecondIsCutOffAtTheReadTimeout() throws IOException {
        Duration readTimeout = Duration.ofSeconds(2);
        try (TestServer server = TestServer.start(config -> config.readTimeout(readTimeout));
             Socket socket = connect(server, "127.0.0.1")) {
            byte[] head = ("POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nX-Padding: "
                    + "a".repeat(100) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

            Drip drip = drip(socket, head, Duration.ofSeconds(1), readTimeout.plusSeconds(5));

            assertThat(drip.closed()).as("closed by the server after %s bytes", drip.sent()).isTrue();
            assertThat(drip.sent()).isLessThan(head.length);
            assertThat(drip.open()).isBetween(readTimeout.minusMillis(100), readTimeout.plusSeconds(3));
        }
    }

    @Test
    void aBodySentOneByteASecondIsCutOffAtTheReadTimeoutToo() throws IOException {
        Duration readTimeout = Duration.ofSeconds(2);
        try (TestServer server = TestServer.start(config -> config.readTimeout(readTimeout));
             Socket socket = connect(server, "127.0.0.1")) {
            byte[] body = "grant_type=client_credentials&client_id=x&client_secret=y".getBytes(StandardCharsets.US_ASCII);
            write(socket, "POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length + "\r\n\r\n");

            Drip drip = drip(socket, body, Duration.ofSeconds(1), readTimeout.plusSeconds(5));

            assertThat(drip.closed()).as("closed by the server after %s bytes", drip.sent()).isTrue();
            assertThat(drip.open()).isLessThan(readTimeout.plusSeconds(3));
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws IOException {
        Duration idleTimeout = Duration.ofSeconds(1);
        try (TestServer server = TestServer.start(config -> config.idleTimeout(idleTimeout));
             Socket socket = connect(server, "127.0.0.1")) {
            assertThat(exchange(socket, LIVE)).startsWith("HTTP/1.1 200 ");
            assertThat(exchange(socket, LIVE)).as("the connection is kept alive").startsWith("HTTP/1.1 200 ");

            long answered = System.nanoTime();
            boolean closed = closesWithin(socket, Duration.ofSeconds(10));
            Duration idle = Duration.ofNanos(System.nanoTime() - answered);

            assertThat(closed).as("closed by the server").isTrue();
            assertThat(idle).isBetween(idleTimeout.minusMillis(100), idleTimeout.plusSeconds(3));
        }
    }

    @Test
    void aConnectionPastTheLimitForItsAddressIsRefusedWhileOtherAddressesAreServed() throws IOException {
        try (TestServer server = TestServer.start(config -> config.maxConnectionsPerAddress(3))) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    sockets.add(connect(server, "127.0.0.1"));
                }
                List<String> answers = new ArrayList<>();
                for (Socket socket : sockets) {
                    answers.add(exchangeOrClosed(socket, LIVE));
                }

                assertThat(answers).filteredOn(answer -> answer.startsWith("HTTP/1.1 200 ")).hasSize(3);
                assertThat(answers).filteredOn(answer -> !answer.startsWith("HTTP/1.1 200 "))
                        .singleElement().satisfies(ConnectionBoundsTest::isRefused);
                try (Socket other = connect(server, "127.0.0.2")) {
                    assertThat(exchange(other, LIVE)).as("another address").startsWith("HTTP/1.1 200 ");
                }

                Socket served = sockets.get(answers.indexOf(answers.stream()
                        .filter(answer -> answer.startsWith("HTTP/1.1 200 ")).findFirst().orElseThrow()));
                served.close();
                assertThat(awaitServed(server, "127.0.0.1", Duration.ofSeconds(10)))
                        .as("a place freed by a closed connection is taken again").isTrue();
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aConnectionPastTheTotalLimitIsRefusedWhateverItsAddress() throws IOException {
        try (TestServer server = TestServer.start(config -> config.maxConnections(3));
             Socket first = connect(server, "127.0.0.1");
             Socket second = connect(server, "127.0.0.2")) {
            assertThat(exchange(first, LIVE)).startsWith("HTTP/1.1 200 ");
            assertThat(exchange(second, LIVE)).startsWith("HTTP/1.1 200 ");
            try (Socket third = connect(server, "127.0.0.3")) {
                assertThat(exchange(third, LIVE)).startsWith("HTTP/1.1 200 ");
                try (Socket fourth = connect(server, "127.0.0.4")) {
                    isRefused(exchangeOrClosed(fourth, LIVE));
                }
            }
        }
    }

    @Test
    void aTrustedProxyIsHeldToTheTotalLimitOnly() throws IOException {
        try (TestServer server = TestServer.start(config -> config.maxConnectionsPerAddress(2)
                .trustedProxies(Set.of("127.0.0.1")))) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    sockets.add(connect(server, "127.0.0.1"));
                }
                for (Socket socket : sockets) {
                    assertThat(exchange(socket, LIVE)).startsWith("HTTP/1.1 200 ");
                }
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        }
    }

    /**
     * A body limit of 1 MiB and 64 requests that each announce 1 MiB and send nothing: with the
     * memory taken when the headers arrive, that is 64 MiB of heap held by a few hundred bytes
     * of requests. {@code Expect: 100-continue} makes the server say when it began to read each
     * body, so the heap is measured after every one of them did.
     */
    @Test
    void aDeclaredContentLengthTakesNoMemoryBeforeItsBytesArrive() throws IOException {
        int limit = 1024 * 1024;
        int requests = 64;
        try (TestServer server = TestServer.start(config -> config.maxBodyBytes(limit))) {
            long before = heapAfterGc();
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < requests; i++) {
                    Socket socket = connect(server, "127.0.0.1");
                    sockets.add(socket);
                    write(socket, "POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + "Content-Type: application/x-www-form-urlencoded\r\nExpect: 100-continue\r\n"
                            + "Content-Length: " + limit + "\r\n\r\n");
                }
                for (Socket socket : sockets) {
                    assertThat(readHead(socket)).startsWith("HTTP/1.1 100 Continue");
                }

                long held = heapAfterGc() - before;

                assertThat(held).as("heap held by %d announced bodies of 1 MiB", requests).isLessThan(8L * 1024 * 1024);
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        }
    }

    // --- sockets ------------------------------------------------------------------------------

    /** A connection to {@code server} from the loopback address {@code from} (any of 127.0.0.0/8). */
    private static Socket connect(TestServer server, String from) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        socket.connect(new InetSocketAddress("127.0.0.1", server.server().port()), 5_000);
        return socket;
    }

    private static void write(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** How a slow sender fared: whether the server closed on it, after how many bytes and how long. */
    private record Drip(boolean closed, int sent, Duration open) {
    }

    /**
     * Sends {@code bytes} one at a time, one per {@code interval}, until the server closes the
     * connection or {@code patience} has passed. The wait between two bytes is a read that the
     * server's close ends early.
     */
    private static Drip drip(Socket socket, byte[] bytes, Duration interval, Duration patience) throws IOException {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        socket.setSoTimeout((int) interval.toMillis());
        long started = System.nanoTime();
        int sent = 0;
        while (sent < bytes.length && System.nanoTime() - started < patience.toNanos()) {
            try {
                out.write(bytes[sent]);
                out.flush();
                sent++;
                if (in.read() < 0) {
                    return new Drip(true, sent, Duration.ofNanos(System.nanoTime() - started));
                }
                throw new AssertionError("the server answered a request that had not arrived");
            } catch (SocketTimeoutException stillOpen) {
                // the next byte
            } catch (IOException closed) {
                return new Drip(true, sent, Duration.ofNanos(System.nanoTime() - started));
            }
        }
        return new Drip(false, sent, Duration.ofNanos(System.nanoTime() - started));
    }

    /** Whether the server closes the connection, with nothing more to say, within {@code deadline}. */
    private static boolean closesWithin(Socket socket, Duration deadline) throws IOException {
        socket.setSoTimeout((int) deadline.toMillis());
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** Sends one request and reads its whole answer (head and Content-Length body), leaving the connection open. */
    private static String exchange(Socket socket, String request) throws IOException {
        write(socket, request);
        String head = readHead(socket);
        Matcher length = CONTENT_LENGTH.matcher(head);
        int bodyLength = length.find() ? Integer.parseInt(length.group(1)) : 0;
        byte[] body = socket.getInputStream().readNBytes(bodyLength);
        return head + new String(body, StandardCharsets.UTF_8);
    }

    /** {@link #exchange}, or {@code "closed"} when the server closed or reset the connection instead. */
    private static String exchangeOrClosed(Socket socket, String request) {
        try {
            String answer = exchange(socket, request);
            return answer.isEmpty() ? "closed" : answer;
        } catch (IOException e) {
            return "closed";
        }
    }

    /** Refused: answered 503 without the request being read, or closed. */
    private static void isRefused(String answer) {
        if (!answer.equals("closed")) {
            assertThat(answer).startsWith("HTTP/1.1 503 ").containsIgnoringCase("connection: close");
        }
    }

    /** The head of the next answer, up to its blank line; empty when the connection ends first. */
    private static String readHead(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Whether a new connection from {@code from} is served before {@code deadline}. */
    private static boolean awaitServed(TestServer server, String from, Duration deadline) throws IOException {
        long until = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < until) {
            try (Socket socket = connect(server, from)) {
                if (exchangeOrClosed(socket, LIVE).startsWith("HTTP/1.1 200 ")) {
                    return true;
                }
            }
            LockSupport.parkNanos(20_000_000);
        }
        return false;
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
