package io.latchkey.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.audit.AuditAction;
import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditQuery;
import io.latchkey.core.client.Client;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.Scopes;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcClientStoreTest {
    private static final Instant CREATED = Instant.parse("2030-01-01T00:00:00.123Z");

    @TempDir
    Path tempDir;
    private SqliteDatabase database;
    private JdbcClientStore store;

    @BeforeEach
    void open() {
        database = SqliteDatabase.open(tempDir.resolve("x.db"));
        store = new JdbcClientStore(database);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void anInsertedClientIsFoundAsItWasWritten() {
        Client client = client("c1", "partner-a", CREATED, "orders:read", "orders:write");

        store.insert(client);

        assertThat(store.find(new ClientId("c1"))).contains(client);
        assertThat(store.find(new ClientId("c1")).orElseThrow().scopes().asList())
                .containsExactly("orders:read", "orders:write");
    }

    @Test
    void aClientWithoutNameOrScopesRoundTrips() {
        Client client = new Client(new ClientId("bare"), "p", null, Scopes.NONE, "hash", null, null, CREATED);

        store.insert(client);

        assertThat(store.find(new ClientId("bare"))).contains(client);
    }

    @Test
    void countFollowsInsertsAndDeletes() {
        assertThat(store.count()).isZero();
        store.insert(client("c1", "partner-a", CREATED));
        store.insert(client("c2", "partner-b", CREATED));
        assertThat(store.count()).isEqualTo(2);

        store.delete(new ClientId("c1"));

        assertThat(store.count()).isEqualTo(1);
    }

    @Test
    void aClientAndItsAuditEventWrittenAtomicallyCommitTogetherInOneCommit() {
        JdbcAuditLog audit = new JdbcAuditLog(database);
        long commitsBefore = database.commits();

        store.atomically(() -> {
            store.insert(client("c1", "partner-a", CREATED));
            audit.append(created("e-1", "c1"));
        });

        assertThat(store.find(new ClientId("c1"))).isPresent();
        assertThat(audit.find(new AuditQuery(null, "c1", null, null, null, 10))).hasSize(1);
        assertThat(database.commits() - commitsBefore).isEqualTo(1);
    }

    @Test
    void whenTheAuditEventCannotBeWrittenTheClientIsNotWrittenEither() {
        JdbcAuditLog audit = new JdbcAuditLog(database);
        audit.append(created("e-1", "c0"));

        assertThatThrownBy(() -> store.atomically(() -> {
            store.insert(client("c1", "partner-a", CREATED));
            audit.append(created("e-1", "c1")); // the id is taken: the insert fails
        })).isInstanceOf(StoreException.class);

        assertThat(store.find(new ClientId("c1"))).isEmpty();
        assertThat(audit.find(new AuditQuery(null, "c1", null, null, null, 10))).isEmpty();
    }

    private static AuditEvent created(String id, String clientId) {
        return new AuditEvent(id, CREATED, AuditAction.CLIENT_CREATED, "admin", "127.0.0.1", clientId, null);
    }

    @Test
    void anUnknownClientIsNotFound() {
        assertThat(store.find(new ClientId("nobody"))).isEmpty();
    }

    @Test
    void aClientIdIsUnique() {
        store.insert(client("c1", "partner-a", CREATED));

        assertThatThrownBy(() -> store.insert(client("c1", "partner-b", CREATED))).isInstanceOf(RuntimeException.class);
        assertThat(store.find(new ClientId("c1")).orElseThrow().partnerId()).isEqualTo("partner-a");
    }

    @Test
    void listsByPartnerOldestFirstOrAllWithoutPartner() {
        Client b2 = client("b2", "partner-b", CREATED.plusSeconds(2));
        Client a1 = client("a1", "partner-a", CREATED.plusSeconds(1));
        Client b1 = client("b1", "partner-b", CREATED);
        store.insert(b2);
        store.insert(a1);
        store.insert(b1);

        assertThat(store.list("partner-b")).containsExactly(b1, b2);
        assertThat(store.list("partner-a")).containsExactly(a1);
        assertThat(store.list("partner-none")).isEmpty();
        assertThat(store.list(null)).containsExactly(b1, a1, b2);
    }

    @Test
    void updatingTheSecretReplacesTheHashesAndKeepsTheRest() {
        Client client = client("c1", "partner-a", CREATED, "orders:read");
        store.insert(client);
        Instant graceUntil = CREATED.plusSeconds(3600);

        Client rotated = client.withRotatedSecret("new-hash", graceUntil);
        assertThat(store.updateSecret(rotated, client.secretHash())).isTrue();

        Client found = store.find(new ClientId("c1")).orElseThrow();
        assertThat(found).isEqualTo(rotated);
        assertThat(found.secretHash()).isEqualTo("new-hash");
        assertThat(found.previousSecretHash()).isEqualTo(client.secretHash());
        assertThat(found.previousSecretExpiresAt()).isEqualTo(graceUntil);

        Client rotatedAgain = found.withRotatedSecret("newer-hash", null);
        assertThat(store.updateSecret(rotatedAgain, "new-hash")).isTrue();
        assertThat(store.find(new ClientId("c1"))).contains(rotatedAgain);
        assertThat(store.find(new ClientId("c1")).orElseThrow().previousSecretHash()).isNull();
    }

    @Test
    void updatingTheSecretOfAnUnknownClientChangesNothing() {
        Client ghost = client("ghost", "p", CREATED);
        assertThat(store.updateSecret(ghost, ghost.secretHash())).isFalse();
        assertThat(store.find(new ClientId("ghost"))).isEmpty();
    }

    @Test
    void updatingTheSecretFromAStaleReadChangesNothing() {
        Client client = client("c1", "partner-a", CREATED);
        store.insert(client);
        Client first = client.withRotatedSecret("first-hash", CREATED.plusSeconds(60));
        assertThat(store.updateSecret(first, client.secretHash())).isTrue();

        // A second rotation that read the client before the first one committed.
        Client stale = client.withRotatedSecret("second-hash", CREATED.plusSeconds(60));
        assertThat(store.updateSecret(stale, client.secretHash())).isFalse();
        assertThat(store.find(new ClientId("c1"))).contains(first);
    }

    @Test
    void aDeletedClientIsGoneAndDeletingAgainSaysSo() {
        store.insert(client("c1", "partner-a", CREATED));
        store.insert(client("c2", "partner-a", CREATED.plusSeconds(1)));

        assertThat(store.delete(new ClientId("c1"))).isTrue();

        assertThat(store.find(new ClientId("c1"))).isEmpty();
        assertThat(store.list("partner-a")).extracting(c -> c.id().value()).containsExactly("c2");
        assertThat(store.delete(new ClientId("c1"))).isFalse();
    }

    @Test
    void clientsSurviveReopeningTheDatabase() {
        Client client = client("c1", "partner-a", CREATED, "a", "b");
        store.insert(client);
        database.close();

        database = SqliteDatabase.open(tempDir.resolve("x.db"));
        store = new JdbcClientStore(database);

        assertThat(store.find(new ClientId("c1"))).contains(client);
    }

    private static Client client(String id, String partnerId, Instant createdAt, String... scopes) {
        return new Client(new ClientId(id), partnerId, "name of " + id, Scopes.of(List.of(scopes)),
                "hash-of-" + id, null, null, createdAt);
    }
}
