package io.latchkey.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.client.Client;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.ClientLimits;
import io.latchkey.core.client.Scopes;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §10's columns and table (migration V11): secret expiry and its warning mark, limits, token counts. */
class CredentialGovernanceStoreTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path tempDir;
    private SqliteDatabase database;
    private JdbcClientStore clients;
    private JdbcUsageStore usage;

    @BeforeEach
    void open() {
        database = SqliteDatabase.open(tempDir.resolve("x.db"));
        clients = new JdbcClientStore(database);
        usage = new JdbcUsageStore(database);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void expiryAndLimitsRoundTripAndChangeWithTheSettings() {
        Client client = client("c1", NOW.plus(Duration.ofDays(30)), new ClientLimits(List.of("10.0.0.0/8", "fd00::/8"), 50));
        clients.insert(client);
        assertThat(clients.find(client.id())).contains(client);

        Client changed = client.withLimits(ClientLimits.NONE);
        assertThat(clients.updateSettings(changed, client.secretHash())).isTrue();

        assertThat(clients.find(client.id())).contains(changed);
    }

    @Test
    void aSecretIsWarnedOfOnceAndARotationClearsTheMark() {
        Client client = client("c1", NOW.plus(Duration.ofDays(10)), ClientLimits.NONE);
        clients.insert(client);
        clients.insert(client("c2", NOW.plus(Duration.ofDays(60)), ClientLimits.NONE));
        clients.insert(client("c3", null, ClientLimits.NONE));
        Instant window = NOW.plus(Duration.ofDays(14));

        assertThat(clients.unwarnedSecretsExpiringBefore(window, 10)).extracting(Client::id).containsExactly(client.id());
        assertThat(clients.markExpiryWarned(client.id(), client.secretHash(), NOW)).isTrue();
        assertThat(clients.markExpiryWarned(client.id(), client.secretHash(), NOW)).isFalse();
        assertThat(clients.unwarnedSecretsExpiringBefore(window, 10)).isEmpty();
        assertThat(clients.countSecretsExpiringBetween(NOW, window)).isEqualTo(1);

        Client rotated = client.withRotatedSecret("new-hash", null, NOW.plus(Duration.ofDays(5)));
        assertThat(clients.updateSecret(rotated, client.secretHash())).isTrue();
        assertThat(clients.markExpiryWarned(client.id(), client.secretHash(), NOW)).isFalse(); // not its secret now
        assertThat(clients.unwarnedSecretsExpiringBefore(window, 10)).extracting(Client::secretHash)
                .containsExactly("new-hash");
    }

    @Test
    void countsAddUpPerMinuteAndOldMinutesArePurged() {
        Instant minute = NOW;
        usage.add(Map.of("a", 3L, "b", 1L), minute);
        usage.add(Map.of("a", 2L), minute); // another instance, the same minute
        usage.add(Map.of("a", 4L), minute.plus(Duration.ofMinutes(1)));

        assertThat(usage.count(new ClientId("a"), minute)).isEqualTo(9);
        assertThat(usage.count(new ClientId("a"), minute.plus(Duration.ofMinutes(1)))).isEqualTo(4);
        assertThat(usage.since(minute).get("a").tokens()).isEqualTo(9);
        assertThat(usage.since(minute).get("a").earliestMinute()).isEqualTo(minute);
        assertThat(usage.purgeBefore(minute.plus(Duration.ofMinutes(1)))).isEqualTo(2);
        assertThat(usage.since(Instant.EPOCH)).containsOnlyKeys("a");
    }

    private static Client client(String id, Instant secretExpiresAt, ClientLimits limits) {
        return new Client(new ClientId(id), "p", null, Scopes.NONE, "hash-of-" + id, null, null, NOW, null,
                secretExpiresAt, limits);
    }
}
