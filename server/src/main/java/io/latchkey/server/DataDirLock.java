package io.latchkey.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a data dir ({@code latchkey.lock} in it), held by {@code serve} for as
 * long as it runs, so that {@code restore} can refuse to swap the store under a running server.
 * The operating system drops it when the process dies, {@code kill -9} included.
 */
public final class DataDirLock implements AutoCloseable {
    static final String FILE = "latchkey.lock";
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, or null when another process (or this one) holds it. */
    public static DataDirLock tryAcquire(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        FileChannel channel = FileChannel.open(dataDir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return new DataDirLock(channel, lock);
            }
        } catch (OverlappingFileLockException heldHere) {
            // this JVM holds it already
        }
        channel.close();
        return null;
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
