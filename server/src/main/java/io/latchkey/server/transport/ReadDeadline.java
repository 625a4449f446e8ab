package io.latchkey.server.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A request must arrive whole, head and body, within the read timeout of its first byte; a
 * connection whose request is still arriving then is closed. This is what ends a slowloris client
 * (headers one byte at a time) and a slow body alike: the idle timeout alone never fires for them,
 * since a byte arrives before it would. RFC 9112 §9.5 leaves the server free to close such a
 * connection; nothing is answered, since the request never came.
 *
 * <p>One per connection, on its event loop only (no locking). {@link #firstByte} sits before the
 * HTTP decoder and starts the clock on the first bytes of a request; {@link #lastByte} sits after
 * it and stops the clock when the decoder hands on the request's end. The timer is armed lazily: a
 * request only notes the time it started, and the one pending check, when it fires, closes the
 * connection or arms itself again for the request now arriving. A busy keep-alive connection so
 * schedules at most one timer per read timeout, not one per request.
 *
 * <p>Bytes of a pipelined request that arrived in the same read as the end of the one before
 * start its clock only at the next read; the idle timeout still bounds a connection that then
 * falls silent.
 */
final class ReadDeadline {
    private final long timeoutNanos;
    /** When the request now arriving sent its first byte; meaningful while {@link #reading}. */
    private long startedAt;
    private boolean reading;
    private ScheduledFuture<?> check;

    final ChannelInboundHandler firstByte = new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!reading) {
                reading = true;
                startedAt = System.nanoTime();
                if (check == null) {
                    schedule(ctx, timeoutNanos);
                }
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (check != null) {
                check.cancel(false);
                check = null;
            }
            ctx.fireChannelInactive();
        }
    };

    final ChannelInboundHandler lastByte = new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof LastHttpContent) {
                reading = false;
            }
            ctx.fireChannelRead(msg);
        }
    };

    ReadDeadline(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    private void schedule(ChannelHandlerContext ctx, long delayNanos) {
        check = ctx.executor().schedule(() -> expire(ctx), delayNanos, TimeUnit.NANOSECONDS);
    }

    private void expire(ChannelHandlerContext ctx) {
        check = null;
        if (!reading) {
            return;
        }
        long left = startedAt + timeoutNanos - System.nanoTime();
        if (left > 0) {
            schedule(ctx, left);
        } else {
            ctx.close();
        }
    }
}
