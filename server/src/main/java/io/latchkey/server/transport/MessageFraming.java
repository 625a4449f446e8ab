package io.latchkey.server.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;

/**
 * How a request's body is delimited, made unambiguous before Vert.x sees the request (RFC 9112
 * §6). Two parsers that disagree on where a body ends are how request smuggling works: a proxy
 * in front reads one request where this server reads two.
 *
 * <ul>
 *   <li>{@code Transfer-Encoding: chunked}, alone: the body is read chunked, and the connection
 *       is closed after the answer. Netty silently drops a {@code Content-Length} sent beside it;
 *       RFC 9112 §6.3 allows reading such a request by its transfer coding only if the connection
 *       is closed after it, so that nothing that followed on it is answered. This server cannot
 *       tell whether there was one, so every chunked request closes its connection; partners send
 *       their small forms with a {@code Content-Length} anyway.
 *   <li>Any other {@code Transfer-Encoding} (an unknown coding, {@code chunked} not last or twice,
 *       the header twice): 400 and the connection closed (RFC 9112 §6.1, §6.3). Netty would read
 *       such a body by its {@code Content-Length}, or as empty, and the rest as the next request.
 * </ul>
 *
 * <p>One instance serves every connection; requests without the header cost one header lookup.
 */
@ChannelHandler.Sharable
final class MessageFraming extends ChannelInboundHandlerAdapter {
    static final MessageFraming INSTANCE = new MessageFraming();

    private MessageFraming() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            check(request);
        }
        ctx.fireChannelRead(msg);
    }

    private static void check(HttpRequest request) {
        HttpHeaders headers = request.headers();
        if (!headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            return;
        }
        List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (codings.size() == 1 && HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(codings.get(0).trim())) {
            headers.remove(HttpHeaderNames.CONTENT_LENGTH); // HTTP/1.0: Netty keeps it beside chunked
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (request.decoderResult().isSuccess()) {
            // Vert.x answers a request that failed to decode with 400 and closes its connection.
            request.setDecoderResult(DecoderResult.failure(new UnsupportedTransferCoding()));
        }
    }

    /** The reason a request with a transfer coding other than {@code chunked} is refused. */
    private static final class UnsupportedTransferCoding extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnsupportedTransferCoding() {
            super("only the chunked transfer coding is understood", null, false, false);
        }
    }
}
