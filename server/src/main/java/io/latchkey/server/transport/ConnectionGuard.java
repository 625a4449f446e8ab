package io.latchkey.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What every HTTP connection goes through as it opens, before its first byte is read: the
 * connection limits, then the two Netty handlers that bound how a request may arrive
 * ({@link ReadDeadline}, {@link MessageFraming}) around the connection's HTTP decoder. The idle
 * timeout is Vert.x's own ({@code HttpServerOptions.setIdleTimeout}).
 *
 * <p>Vert.x 5 has no public way to add a handler to a connection's pipeline, so this reaches it
 * through {@link HttpServerConnection}, the interface Vert.x's HTTP/1.x and HTTP/2 connections
 * implement; the handlers are placed by the type of Netty's decoder, not by Vert.x's names for
 * them. A connection without an HTTP/1.x decoder (none today: HTTP/2 is not enabled) is closed
 * rather than served without these bounds. Everything here runs once per connection; per request
 * there is one timestamp and one header lookup.
 */
public final class ConnectionGuard implements Handler<HttpConnection> {
    /**
     * Sent before the client's request, which the server will not read. RFC 9110 §15.6.4: 503 is
     * a temporary overload; {@code Retry-After} says when to try again.
     */
    private static final byte[] TOO_MANY_CONNECTIONS = ("HTTP/1.1 503 Service Unavailable\r\n"
            + "Content-Length: 0\r\nConnection: close\r\nRetry-After: 1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private final ConnectionLimits limits;
    private final Duration readTimeout;

    public ConnectionGuard(ConnectionLimits limits, Duration readTimeout) {
        this.limits = limits;
        this.readTimeout = readTimeout;
    }

    @Override
    public void handle(HttpConnection connection) {
        ChannelHandlerContext decoder = connection instanceof HttpServerConnection internal
                ? internal.channelHandlerContext().pipeline().context(HttpRequestDecoder.class) : null;
        if (decoder == null) {
            connection.close();
            return;
        }
        String address = addressOf(connection);
        if (!limits.admit(address)) {
            refuse(decoder);
            return;
        }
        connection.closeHandler(closed -> limits.release(address));
        ReadDeadline deadline = new ReadDeadline(readTimeout);
        ChannelPipeline pipeline = decoder.pipeline();
        pipeline.addBefore(decoder.name(), "latchkey-read-start", deadline.firstByte);
        pipeline.addAfter(decoder.name(), "latchkey-framing", MessageFraming.INSTANCE);
        pipeline.addAfter("latchkey-framing", "latchkey-read-end", deadline.lastByte);
    }

    /**
     * Stops reading, answers 503 and closes. Written from the decoder's place in the pipeline, so
     * the bytes go out as they are (through TLS, when there is TLS), not through the HTTP encoder.
     */
    private static void refuse(ChannelHandlerContext decoder) {
        decoder.channel().config().setAutoRead(false);
        ByteBuf answer = Unpooled.wrappedBuffer(TOO_MANY_CONNECTIONS);
        decoder.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    }

    private static String addressOf(HttpConnection connection) {
        SocketAddress remote = connection.remoteAddress();
        String host = remote == null ? null : remote.hostAddress();
        return host == null ? "unknown" : host;
    }
}
