package io.latchkey.core.ratelimit;

/** A token bucket refilled continuously; times are in nanoseconds of one clock. */
final class TokenBucket {
    private double tokens;
    private long updatedAt;

    TokenBucket(double capacity, long now) {
        this.tokens = capacity;
        this.updatedAt = now;
    }

    /** Takes one token; whether that left the bucket unable to give the next. */
    synchronized boolean take(long now, double capacity, double refillPerNano) {
        refill(now, capacity, refillPerNano);
        boolean hadOne = tokens >= 1;
        tokens = Math.max(0, tokens - 1);
        return hadOne && tokens < 1;
    }

    /** Takes one token if there is one (0), or says how many nanoseconds until there is. */
    synchronized long takeOrWait(long now, double capacity, double refillPerNano) {
        refill(now, capacity, refillPerNano);
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - tokens) / refillPerNano);
    }

    /** Nanoseconds until one token is available; 0 if one is now. */
    synchronized long nanosUntilAvailable(long now, double capacity, double refillPerNano) {
        refill(now, capacity, refillPerNano);
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / refillPerNano);
    }

    synchronized boolean isFull(long now, double capacity, double refillPerNano) {
        refill(now, capacity, refillPerNano);
        return tokens >= capacity;
    }

    private void refill(long now, double capacity, double refillPerNano) {
        if (now > updatedAt) {
            tokens = Math.min(capacity, tokens + (now - updatedAt) * refillPerNano);
            updatedAt = now;
        }
    }
}
