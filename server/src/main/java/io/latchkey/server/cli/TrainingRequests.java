package io.latchkey.server.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The requests {@code serve --exit-when-ready} sends to itself before it exits, so that the
 * launcher's class-data archive also holds what answering HTTP loads: Netty's and Vert.x's
 * request path, the router, Jackson. Without them the first readiness probe of every start loaded
 * some 700 classes from the jar and set Jackson up, on the event loop, while the store was being
 * opened. Plain HTTP/1.1 over a socket: a client library would put its own classes in the archive.
 */
final class TrainingRequests {
    private static final String UNKNOWN_CLIENT = Base64.getEncoder()
            .encodeToString("training-run-client:not-a-secret".getBytes(StandardCharsets.US_ASCII));

    private static final List<String> REQUESTS = List.of(
            get("/health/ready"),
            get("/health/live"),
            get("/.well-known/oauth-authorization-server"),
            get("/oauth2/jwks"),
            get("/no-such-path"),
            post("/oauth2/token", "Authorization: Basic " + UNKNOWN_CLIENT + "\r\n", "grant_type=client_credentials"),
            post("/pipeline/oauth2", "", "grant_type=client_credentials"));

    private TrainingRequests() {
    }

    /** Sends each request to the server on the loopback {@code port}, reading each answer whole. */
    static void send(int port) {
        for (String request : REQUESTS) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(request.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                socket.getInputStream().readAllBytes(); // the answer is of no interest, only what made it
            } catch (IOException e) {
                return; // an archive without them is merely less complete
            }
        }
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    }

    private static String post(String path, String headers, String form) {
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length() + "\r\n\r\n"
                + form;
    }
}
