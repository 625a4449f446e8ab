package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The server's HTTP listeners really run on as many event loops as it starts: connections are
 * spread over them, so a CPU-bound request path can use every core.
 */
class EventLoopsTest {
    @Test
    void connectionsAreServedOnDifferentEventLoops() throws IOException {
        Vertx vertx = Vertx.vertx();
        try {
            Router router = Router.router(vertx);
            router.route().handler(ctx -> ctx.response().end(Thread.currentThread().getName()));
            HttpServer server = LatchkeyServer.listen(vertx, new HttpServerOptions().setHost("127.0.0.1").setPort(0),
                    2, connection -> { }, new AtomicReference<>(router));

            Set<String> threads = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                threads.add(threadOfOneConnection(server.actualPort()));
            }

            assertThat(threads).hasSize(2).allSatisfy(name -> assertThat(name).startsWith("vert.x-eventloop-thread-"));
        } finally {
            LatchkeyServer.await(vertx.close());
        }
    }

    /** One request on a connection of its own; the body is the name of the thread that served it. */
    private static String threadOfOneConnection(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String line;
            String last = null;
            while ((line = in.readLine()) != null) {
                last = line;
            }
            return last;
        }
    }
}
