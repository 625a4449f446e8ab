package io.latchkey.server.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 256-bit key-encryption key that seals signing keys and the secret pepper at rest: from
 * {@code LATCHKEY_MASTER_KEY} when set, else from {@code master.key} in the data dir, generated
 * with owner-only permissions on first start.
 */
public final class MasterKey {
    static final String FILE_NAME = "master.key";
    private static final Logger LOG = LoggerFactory.getLogger(MasterKey.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private MasterKey() {
    }

    public static byte[] load(String configured, Path dataDir, SecureRandom random) throws IOException {
        if (configured != null && !configured.isBlank()) {
            return decode(configured.trim(), "LATCHKEY_MASTER_KEY");
        }
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            try {
                write(file, key);
                LOG.info("Generated a master key in {} (owner-only); back it up with the data", file);
                return key;
            } catch (FileAlreadyExistsException raced) {
                // another process created it first: use theirs
            }
        }
        if (Files.getFileAttributeView(file, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(permissions)) {
                LOG.warn("{} is readable by others than its owner; run: chmod 600 {}", file, file);
            }
        }
        return decode(Files.readString(file, StandardCharsets.US_ASCII).trim(), file.toString());
    }

    private static void write(Path file, byte[] key) throws IOException {
        byte[] encoded = (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII);
        boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
        try (FileChannel channel = posix
                ? FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(encoded));
            channel.force(true); // the key must outlive a crash as surely as what it seals
        }
    }

    private static byte[] decode(String base64, String source) {
        byte[] key;
        try {
            key = base64.contains("-") || base64.contains("_")
                    ? Base64.getUrlDecoder().decode(base64)
                    : Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + " is not base64");
        }
        if (key.length != 32) {
            throw new IllegalArgumentException(source + " must hold exactly 256 bits (32 bytes), not " + key.length);
        }
        return key;
    }
}
