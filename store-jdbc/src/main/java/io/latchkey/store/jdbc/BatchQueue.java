package io.latchkey.store.jdbc;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.function.BooleanSupplier;

/** How a store thread (the SQLite writer, a PostgreSQL refresh lane) takes its next batch. */
final class BatchQueue {
    private BatchQueue() {
    }

    /**
     * Waits for work on {@code queue}, then moves it, up to {@code max} items, into {@code batch}.
     * Returns false once {@code closed} says so and the queue is empty: what was queued before
     * the close still runs, then the thread ends. An interrupt (close wakes the thread with one)
     * only makes it look at {@code closed} again.
     */
    static <T> boolean take(BlockingQueue<T> queue, List<? super T> batch, int max, BooleanSupplier closed) {
        while (true) {
            T first;
            try {
                first = closed.getAsBoolean() ? queue.poll() : queue.take();
            } catch (InterruptedException e) {
                continue;
            }
            if (first == null) {
                return false;
            }
            batch.add(first);
            queue.drainTo(batch, max - 1);
            return true;
        }
    }
}
