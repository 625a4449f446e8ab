package io.latchkey.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP/1.1 spoken byte for byte over a socket, so that a test can send what no well-behaved
 * client would: any method, any bytes in the path and in header values, bodies that are not
 * UTF-8. Every request closes its connection, and an answer that does not arrive in time is a
 * failure of its own ({@link Hang}), not a wait.
 */
final class RawHttp {
    private RawHttp() {
    }

    /** The answer to one request. */
    record Response(int status, Map<String, String> headers, String body) {
        Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }
    }

    /** The server neither answered nor closed the connection within the deadline. */
    static final class Hang extends AssertionError {
        private static final long serialVersionUID = 1L;

        Hang(String message) {
            super(message);
        }
    }

    /**
     * Sends {@code method target} with {@code headers} (name, value, name, value …, as raw
     * ISO-8859-1 bytes) and {@code body}, with a correct {@code Content-Length} and
     * {@code Connection: close}, and reads the whole answer.
     */
    static Response exchange(int port, String method, String target, List<String> headers, byte[] body,
                             Duration deadline) {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        write(request, method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n");
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            write(request, headers.get(i) + ": " + headers.get(i + 1) + "\r\n");
        }
        if (body != null) {
            write(request, "Content-Length: " + body.length + "\r\n");
        }
        write(request, "\r\n");
        if (body != null) {
            request.writeBytes(body);
        }
        return exchange(port, request.toByteArray(), deadline);
    }

    /** Sends {@code request} exactly as given and reads the whole answer until the server closes. */
    static Response exchange(int port, byte[] request, Duration deadline) {
        return parse(readUntilClosed(port, request, deadline));
    }

    /**
     * Sends {@code request} exactly as given (several pipelined requests, say) and reads until the
     * server closes: every answer that came, in order.
     */
    static List<Response> exchangeAll(int port, byte[] request, Duration deadline) {
        byte[] raw = readUntilClosed(port, request, deadline);
        List<Response> responses = new java.util.ArrayList<>();
        int at = 0;
        while (at < raw.length) {
            byte[] rest = java.util.Arrays.copyOfRange(raw, at, raw.length);
            Response response = parse(rest);
            responses.add(response);
            at += lengthOf(rest, response);
        }
        return responses;
    }

    /** How many bytes of {@code raw} the answer at its start takes (Content-Length framed; else all). */
    private static int lengthOf(byte[] raw, Response response) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n") + 4;
        return response.header("content-length").map(length -> headEnd + Integer.parseInt(length)).orElse(raw.length);
    }

    private static byte[] readUntilClosed(int port, byte[] request, Duration deadline) {
        long until = System.nanoTime() + deadline.toNanos();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) deadline.toMillis());
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            while (true) {
                long left = (until - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new Hang("no complete answer within " + deadline);
                }
                socket.setSoTimeout((int) left);
                int read;
                try {
                    read = in.read(buffer);
                } catch (SocketTimeoutException e) {
                    throw new Hang("no complete answer within " + deadline);
                } catch (IOException reset) {
                    break; // the server closed hard after answering; what arrived is parsed
                }
                if (read < 0) {
                    break;
                }
                answer.write(buffer, 0, read);
            }
            return answer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Response parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n");
        // HTTP/1.0 too: Netty answers a request line it cannot decode (414, 431) that way.
        if (!(text.startsWith("HTTP/1.1 ") || text.startsWith("HTTP/1.0 ")) || headEnd < 0) {
            throw new AssertionError("not an HTTP answer: " + abbreviate(text));
        }
        String[] lines = text.substring(0, headEnd).split("\r\n");
        int status = Integer.parseInt(lines[0].substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        byte[] rest = java.util.Arrays.copyOfRange(raw, headEnd + 4, raw.length);
        String body = new String(rest, StandardCharsets.UTF_8);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(new String(rest, StandardCharsets.ISO_8859_1));
        } else if (headers.containsKey("content-length")) {
            int length = Integer.parseInt(headers.get("content-length"));
            if (rest.length < length) {
                throw new AssertionError("the answer ended before its Content-Length: " + abbreviate(text));
            }
            body = new String(rest, 0, length, StandardCharsets.UTF_8);
        }
        return new Response(status, headers, body);
    }

    private static String dechunk(String chunked) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                return body.toString(StandardCharsets.UTF_8);
            }
            body.writeBytes(chunked.substring(lineEnd + 2, lineEnd + 2 + size).getBytes(StandardCharsets.ISO_8859_1));
            at = lineEnd + 2 + size + 2;
        }
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
