import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in OpenTelemetry collector for bench/run.sh's traced row (token_traced): receives OTLP
 * over HTTP ({@code POST /v1/traces}) on 127.0.0.1, reads each export whole, discards it, and
 * answers 200 with an empty body (an empty ExportTraceServiceResponse, as TracingTest's receiver
 * does). At exit it prints how many exports and bytes it received, so that the run shows the
 * spans were really sent.
 *
 * <p>{@code java bench/otlp-sink/OtlpSink.java PORT}; JDK only, no dependency.
 */
public final class OtlpSink {
    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        AtomicLong exports = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/", exchange -> {
            long read = 0;
            try (InputStream body = exchange.getRequestBody()) {
                byte[] buffer = new byte[16384];
                for (int n; (n = body.read(buffer)) > 0; ) {
                    read += n;
                }
            }
            exports.incrementAndGet();
            bytes.addAndGet(read);
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newSingleThreadExecutor());
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
                System.out.println("otlp-sink: " + exports.get() + " exports, " + bytes.get() + " bytes")));
        server.start();
        System.out.println("otlp-sink listening on 127.0.0.1:" + port);
    }
}
