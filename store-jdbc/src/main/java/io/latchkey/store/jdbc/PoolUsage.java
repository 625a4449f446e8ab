package io.latchkey.store.jdbc;

/**
 * How the store's connections are used right now: in use, idle, callers waiting for one, and the
 * most there can be. SQLite has one write connection fed by a queue and a few read-only ones, so
 * its "waiting" is the transactions queued for the writer.
 */
public record PoolUsage(int active, int idle, int waiting, int max) {
}
