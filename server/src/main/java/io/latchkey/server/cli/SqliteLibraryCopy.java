package io.latchkey.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * Writes sqlite-jdbc's native library for this platform out of the jar, once, for the launcher.
 *
 * <p>Why: without {@code org.sqlite.lib.path} sqlite-jdbc copies the library (about 1 MB) out of
 * the jar into the temporary directory at every start, then compares the copy with the original
 * byte by byte, one {@code read()} call per byte in the interpreter; before that it runs
 * {@code uname} to tell the platform. That was a fifth of the main thread's CPU until ready. With
 * both properties pointing at this copy it loads it directly, and falls back to its own copying
 * if that fails.
 */
final class SqliteLibraryCopy {
    private SqliteLibraryCopy() {
    }

    /** Copies the library sqlite-jdbc would load here to {@code target}; false when the jar has none. */
    static boolean write(Path target) {
        // The resource path and file name by sqlite-jdbc's own rules (OS, architecture, musl).
        String resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
        try (InputStream library = LibraryLoaderUtil.class.getResourceAsStream(resource)) {
            if (library == null) {
                return false;
            }
            Files.copy(library, target, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }
}
