package io.latchkey.store.jdbc;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Waiting for work a store thread (the SQLite writer, a PostgreSQL refresh lane) completes. */
final class Completion {
    private Completion() {
    }

    /**
     * Waits for {@code done}, uninterruptibly: an interrupted caller could not know whether its
     * work committed, and the store thread always completes the future (after the commit, on
     * failure, or on close). The interrupt is kept for the caller to see afterwards.
     *
     * @param failure the message of the {@link StoreException} for a checked cause
     */
    static <T> T await(CompletableFuture<T> done, String failure) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return done.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    if (cause instanceof Error error) {
                        throw error;
                    }
                    throw new StoreException(failure, cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
