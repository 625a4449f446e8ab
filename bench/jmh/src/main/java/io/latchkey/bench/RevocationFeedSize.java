package io.latchkey.bench;

import io.latchkey.core.secret.SecretGenerator;
import io.latchkey.server.LatchkeyServer;
import io.latchkey.server.config.ServerConfig;
import io.latchkey.store.jdbc.SqliteDatabase;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * How large the revocation feed (SPEC §9) is after N revocations (default 100,000) made within the
 * last access-token lifetime, the worst case, since older ones have left it: writes them to a
 * fresh SQLite store (half access tokens, half refresh families, or with {@code --tokens} only
 * access tokens, whose ids are longer), starts a server on it, and prints the entries and the
 * bytes of {@code GET /oauth2/revocations} without a cursor (the whole list a verifier reads once
 * at its start), gzipped for comparison, and how long the answer took.
 *
 * <pre>
 * java -cp bench/jmh/target/benchmarks.jar io.latchkey.bench.RevocationFeedSize [N] [--tokens]
 * </pre>
 */
public final class RevocationFeedSize {
    private static final String ADMIN_KEY = "bench-admin-key-0123456789abcdefghijklmnopqrstuvwxyz";

    private RevocationFeedSize() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 && !args[0].startsWith("--") ? Integer.parseInt(args[0]) : 100_000;
        boolean tokensOnly = List.of(args).contains("--tokens");
        Path directory = Files.createTempDirectory("latchkey-revocation-feed");
        Instant now = Instant.now();
        try (SqliteDatabase database = SqliteDatabase.open(directory.resolve("latchkey.db"))) {
            seed(database, new SecretGenerator(new SecureRandom()), now, n, tokensOnly);
        }
        ServerConfig config = ServerConfig.builder().port(0).host("127.0.0.1").dataDir(directory)
                .adminApiKey(ADMIN_KEY).build();
        try (LatchkeyServer server = LatchkeyServer.start(config, Clock.systemUTC(), new SecureRandom())) {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/oauth2/revocations")).header("X-API-Key", ADMIN_KEY).GET().build();
            http.send(request, HttpResponse.BodyHandlers.ofByteArray()); // warm-up
            long started = System.nanoTime();
            byte[] body = http.send(request, HttpResponse.BodyHandlers.ofByteArray()).body();
            long micros = (System.nanoTime() - started) / 1_000;
            int entries = new String(body, java.nio.charset.StandardCharsets.UTF_8).split("\"until\"", -1).length - 1;
            System.out.printf("%,d revocations (%s) -> %,d entries, %,d bytes (%.1f MB; %.1f bytes an entry), "
                            + "gzipped %,d bytes; answered in %,d µs%n", n,
                    tokensOnly ? "access tokens" : "half access tokens, half families", entries, body.length,
                    body.length / 1e6, body.length / (double) Math.max(1, entries), gzipped(body), micros);
        } finally {
            try (var files = Files.walk(directory)) {
                for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    /** n revocations made a minute ago: access tokens live for another hour, families revoked then. */
    private static void seed(SqliteDatabase database, SecretGenerator ids, Instant now, int n, boolean tokensOnly) {
        database.transaction(connection -> {
            try (PreparedStatement tokens = connection.prepareStatement(
                    "INSERT INTO revoked_access_tokens (jti, client_id, expires_at) VALUES (?, 'bench', ?)");
                 PreparedStatement families = connection.prepareStatement(
                         "INSERT INTO revoked_families (family_id, client_id, revoked_at, expires_at) "
                                 + "VALUES (?, 'bench', ?, ?)")) {
                for (int i = 0; i < n; i++) {
                    if (tokensOnly || i % 2 == 0) {
                        tokens.setString(1, ids.timeOrderedId(now));
                        tokens.setLong(2, now.plus(Duration.ofMinutes(59)).toEpochMilli());
                        tokens.addBatch();
                    } else {
                        families.setString(1, ids.id());
                        families.setLong(2, now.minusSeconds(60).toEpochMilli());
                        families.setLong(3, now.plus(Duration.ofDays(30)).toEpochMilli());
                        families.addBatch();
                    }
                    if (i % 10_000 == 9_999) {
                        tokens.executeBatch();
                        families.executeBatch();
                    }
                }
                tokens.executeBatch();
                families.executeBatch();
            }
            return null;
        });
    }

    private static int gzipped(byte[] body) throws java.io.IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(body);
        }
        return out.size();
    }
}
