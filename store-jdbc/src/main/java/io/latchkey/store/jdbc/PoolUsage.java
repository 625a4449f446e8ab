package io.latchkey.store.jdbc;

/**
 * How the store's connections are used right now: in use, idle, callers waiting for one, and the
 * most there can be. SQLite has one connection behind a lock, so its "waiting" is the lock's queue.
 */
public record PoolUsage(int active, int idle, int waiting, int max) {
}
