package io.latchkey.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The change log's numbers have no gaps and become visible in order, on SQLite and on PostgreSQL,
 * with writers racing at two databases (instances): a reader that asks for "everything after n"
 * misses nothing, and learns when what it needs was purged.
 */
class ChangeLogTest {
    private static final Instant EXPIRY = Instant.parse("2030-01-01T00:00:00Z");
    private static EmbeddedPostgres postgres;

    @TempDir
    Path tempDir;

    @AfterAll
    static void stopPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void entriesWrittenConcurrentlyAtTwoSqliteInstancesAreReadOnceEachInOrder() throws Exception {
        try (SqliteDatabase one = SqliteDatabase.open(tempDir.resolve("x.db"));
             SqliteDatabase two = SqliteDatabase.open(tempDir.resolve("x.db"))) {
            readerSeesEveryEntryOnceInOrder(one, two);
        }
    }

    @Test
    void entriesWrittenConcurrentlyAtTwoPostgresInstancesAreReadOnceEachInOrder() throws Exception {
        String url = postgresDatabase();
        DatabaseSettings settings = new DatabaseSettings(url, "postgres", null, 10, Duration.ofSeconds(5),
                Duration.ofSeconds(30));
        try (PostgresDatabase one = PostgresDatabase.open(settings);
             PostgresDatabase two = PostgresDatabase.open(settings)) {
            readerSeesEveryEntryOnceInOrder(one, two);
        }
    }

    @Test
    void aTransactionThatRollsBackTakesNoNumber() {
        try (SqliteDatabase database = SqliteDatabase.open(tempDir.resolve("x.db"))) {
            ChangeLog log = new ChangeLog(database);
            JdbcRevocationStore store = new JdbcRevocationStore(database);
            store.revokeAccessToken("first", "client", EXPIRY);

            assertThatThrownBy(() -> database.transaction(connection -> {
                ChangeLog.append(connection, Change.Kind.CLIENT, "rolled-back", null);
                throw new IllegalStateException("the change fails after its entry was appended");
            })).isInstanceOf(IllegalStateException.class);
            store.revokeAccessToken("second", "client", EXPIRY);

            ChangeLog.Batch batch = log.after(0, 100);
            assertThat(batch.complete()).isTrue();
            assertThat(batch.changes()).extracting(Change::seq).containsExactly(1L, 2L);
            assertThat(batch.changes()).extracting(Change::subject).containsExactly("first", "second");
        }
    }

    @Test
    void aReaderBehindWhatWasPurgedOrTooFarBehindIsToldItsBatchIsIncomplete() {
        try (SqliteDatabase database = SqliteDatabase.open(tempDir.resolve("x.db"))) {
            ChangeLog log = new ChangeLog(database);
            database.transaction(connection -> {
                for (int i = 0; i < ChangeLog.RETAINED + 5; i++) {
                    ChangeLog.append(connection, Change.Kind.CLIENT, "c" + i, null);
                }
                return null;
            });

            assertThat(log.after(0, 100).complete()).isFalse(); // more new than it may read at once
            assertThat(log.purge()).isEqualTo(5);

            assertThat(log.after(4, ChangeLog.RETAINED + 5).complete()).isFalse(); // entry 5 is gone
            ChangeLog.Batch caughtUp = log.after(5, ChangeLog.RETAINED);
            assertThat(caughtUp.complete()).isTrue();
            assertThat(caughtUp.changes()).hasSize(ChangeLog.RETAINED);
            assertThat(caughtUp.newest()).isEqualTo(ChangeLog.RETAINED + 5);
            assertThat(log.purge()).isZero();
        }
    }

    /**
     * Eight writers (four per instance) revoke access tokens, each appending an entry, while a
     * reader polls "after the last one I saw" as the change feed does.
     */
    private static void readerSeesEveryEntryOnceInOrder(Database one, Database two) throws Exception {
        int writers = 8;
        int perWriter = 40;
        List<JdbcRevocationStore> stores = List.of(new JdbcRevocationStore(one), new JdbcRevocationStore(two));
        ChangeLog log = new ChangeLog(two);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CyclicBarrier start = new CyclicBarrier(writers);
        AtomicBoolean writing = new AtomicBoolean(true);
        try {
            List<Future<?>> outcomes = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                JdbcRevocationStore store = stores.get(w % 2);
                int writer = w;
                outcomes.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < perWriter; i++) {
                        store.revokeAccessToken("w" + writer + "-" + i, "client", EXPIRY);
                    }
                    return null;
                }));
            }
            Future<?> done = pool.submit(() -> {
                for (Future<?> outcome : outcomes) {
                    outcome.get(60, TimeUnit.SECONDS);
                }
                writing.set(false);
                return null;
            });
            List<Long> seen = new ArrayList<>();
            long applied = 0;
            boolean last;
            do {
                last = !writing.get();
                ChangeLog.Batch batch = log.after(applied, ChangeLog.RETAINED);
                assertThat(batch.complete()).isTrue();
                for (Change change : batch.changes()) {
                    seen.add(change.seq());
                }
                applied = batch.newest();
            } while (!last);
            done.get(60, TimeUnit.SECONDS);

            List<Long> expected = new ArrayList<>();
            for (long seq = 1; seq <= writers * perWriter; seq++) {
                expected.add(seq);
            }
            assertThat(seen).containsExactlyElementsOf(expected);
        } finally {
            pool.shutdownNow();
        }
    }

    private static synchronized String postgresDatabase() throws SQLException {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE change_log_test");
        }
        return postgres.getJdbcUrl("postgres", "change_log_test");
    }
}
