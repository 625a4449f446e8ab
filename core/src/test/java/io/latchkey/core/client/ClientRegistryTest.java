package io.latchkey.core.client;

import io.latchkey.core.audit.MemoryAuditLog;
import io.latchkey.core.audit.Auditor;
import io.latchkey.core.audit.Actor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.secret.SecretGenerator;
import io.latchkey.core.secret.SecretHasher;
import io.latchkey.testing.SettableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ClientRegistryTest {
    private static final Actor BY = Actor.offline("test");
    private final MemoryAuditLog audit = new MemoryAuditLog();

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Scopes ORDERS = Scopes.of(List.of("orders:read", "orders:write"));

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private final MemoryClientStore store = new MemoryClientStore();
    private final SecretHasher hasher = new SecretHasher(pepper());
    private final SecretGenerator generator = new SecretGenerator(RANDOM);
    private final ClientRegistry registry = registrySharing(store);

    @Test
    void aNewClientAuthenticatesWithTheSecretShownOnceAndIsStoredOnlyAsAHash() {
        NewClient created = registry.create("TestSystem", "orders", ORDERS, BY);

        Client stored = store.find(created.client().id()).orElseThrow();
        assertThat(stored.secretHash()).isNotEqualTo(created.secret()).isEqualTo(hasher.hash(created.secret()));
        assertThat(stored.createdAt()).isEqualTo(clock.instant());
        assertThat(registry.authenticate(created.client().id().value(), created.secret())).isEqualTo(stored);
    }

    @Test
    void aWrongSecretAnUnknownClientAndAMalformedIdFailAlike() {
        NewClient created = registry.create("TestSystem", null, ORDERS, BY);
        String id = created.client().id().value();

        assertInvalidClient(id, "not-the-secret");
        assertInvalidClient(generator.id(), created.secret());
        assertInvalidClient("not a client id!", created.secret());
        assertInvalidClient(id, null);
        assertInvalidClient(id, "x".repeat(ClientRegistry.MAX_SECRET_LENGTH + 1));
    }

    @Test
    void aMalformedIdOrAnOverlongSecretIsRefusedWithoutReadingTheStore() {
        int reads = store.finds();

        assertInvalidClient("a/b", "secret");
        assertInvalidClient(generator.id(), "x".repeat(ClientRegistry.MAX_SECRET_LENGTH + 1));

        assertThat(store.finds()).isEqualTo(reads);
    }

    @Test
    void aClientInUseIsServedFromMemoryWithoutReadingTheStoreAgain() {
        NewClient created = registry.create("TestSystem", null, ORDERS, BY);
        registry.authenticate(created.client().id().value(), created.secret());
        int reads = store.finds();

        for (int i = 0; i < 10; i++) {
            registry.authenticate(created.client().id().value(), created.secret());
        }

        assertThat(registry.isCached(created.client().id().value())).isTrue();
        assertThat(store.finds()).isEqualTo(reads);
    }

    @Test
    void anUnknownClientIsNotRememberedAsAbsentSoItIsFoundOnceAnotherInstanceCreatesIt() {
        ClientRegistry other = registrySharing(store);
        ClientId id = new ClientId(generator.id());
        assertThat(registry.find(id)).isEmpty();

        store.insert(new Client(id, "TestSystem", null, ORDERS, hasher.hash("secret"), null, null, clock.instant()));

        assertThat(registry.find(id)).isPresent();
        assertThat(other.exists(id.value())).isTrue();
    }

    @Test
    void aDeletedClientIsNeverServedFromTheCache() {
        NewClient created = registry.create("TestSystem", null, ORDERS, BY);
        String id = created.client().id().value();
        registry.authenticate(id, created.secret());
        assertThat(registry.isCached(id)).isTrue();

        registry.delete(created.client().id(), BY);

        assertThat(registry.isCached(id)).isFalse();
        assertThat(registry.exists(id)).isFalse();
        assertInvalidClient(id, created.secret());
        assertThat(store.find(created.client().id())).isEmpty();
    }

    /**
     * The race of ClientRegistry's note on cache coherence: a lookup is loading the client from
     * the store when the client is deleted. The delete waits for the load to finish, then removes
     * what it cached; it never leaves the deleted client in memory.
     */
    @Test
    void aLookupRacingADeleteNeverLeavesTheDeletedClientCached() throws Exception {
        NewClient created = registry.create("TestSystem", null, ORDERS, BY);
        ClientId id = created.client().id();
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch finishLoading = new CountDownLatch(1);
        store.duringFind(() -> {
            loading.countDown();
            await(finishLoading);
        });
        CompletableFuture<Optional<Client>> lookup = CompletableFuture.supplyAsync(() -> registry.find(id));
        await(loading);
        store.duringFind(null);

        Thread deleter = new Thread(() -> registry.delete(id, BY));
        deleter.start();
        awaitParkedOrDone(deleter); // the delete is waiting for the load: it holds the entry's lock
        finishLoading.countDown();
        deleter.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(lookup.get(10, TimeUnit.SECONDS)).isPresent(); // it began before the delete committed
        assertThat(deleter.isAlive()).isFalse();
        assertThat(registry.isCached(id.value())).isFalse();
        assertThat(registry.find(id)).isEmpty();
        assertInvalidClient(id.value(), created.secret());
    }

    @Test
    void deletingAnUnknownClientIsNotFound() {
        assertThatThrownBy(() -> registry.delete(new ClientId(generator.id()), BY))
                .isInstanceOfSatisfying(LatchkeyException.class, e -> assertThat(e.error()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void rotatingWithoutGraceEndsTheOldSecretAtOnce() {
        NewClient created = registry.create("TestSystem", null, ORDERS, BY);
        String id = created.client().id().value();
        registry.authenticate(id, created.secret());

        NewClient rotated = registry.rotateSecret(created.client().id(), Duration.ZERO, BY);

        assertInvalidClient(id, created.secret());
        assertThat(registry.authenticate(id, rotated.secret()).id()).isEqualTo(created.client().id());
        assertThat(rotated.client().previousSecretHash()).isNull();
        assertThat(rotated.client().previousSecretExpiresAt()).isNull();
    }

    @Test
    void theOldSecretWorksUntilTheGraceEndsThenNeverAgain() {
        NewClient created = registry.create("TestSystem", null, ORDERS, BY);
        String id = created.client().id().value();

        NewClient rotated = registry.rotateSecret(created.client().id(), Duration.ofHours(1), BY);

        assertThat(registry.authenticate(id, created.secret()).id()).isEqualTo(created.client().id());
        assertThat(registry.authenticate(id, rotated.secret()).id()).isEqualTo(created.client().id());
        clock.advance(Duration.ofHours(1).minusMillis(1));
        assertThat(registry.authenticate(id, created.secret()).id()).isEqualTo(created.client().id());
        clock.advance(Duration.ofMillis(1));
        assertInvalidClient(id, created.secret());
        assertThat(registry.authenticate(id, rotated.secret()).id()).isEqualTo(created.client().id());
    }

    @Test
    void aRotationIsInForceInMemoryTheMomentItReturns() {
        NewClient created = registry.create("TestSystem", null, ORDERS, BY);
        String id = created.client().id().value();
        registry.authenticate(id, created.secret());

        NewClient rotated = registry.rotateSecret(created.client().id(), Duration.ZERO, BY);
        int reads = store.finds();

        assertThat(registry.authenticate(id, rotated.secret()).secretHash()).isEqualTo(hasher.hash(rotated.secret()));
        assertThat(store.finds()).isEqualTo(reads);
    }

    @Test
    void aSecondRotationWithinTheGraceRetiresTheFirstSecret() {
        NewClient created = registry.create("TestSystem", null, ORDERS, BY);
        String id = created.client().id().value();

        NewClient first = registry.rotateSecret(created.client().id(), Duration.ofHours(1), BY);
        NewClient second = registry.rotateSecret(created.client().id(), Duration.ofHours(1), BY);

        assertInvalidClient(id, created.secret()); // only one previous secret is kept
        assertThat(registry.authenticate(id, first.secret()).id()).isEqualTo(created.client().id());
        assertThat(registry.authenticate(id, second.secret()).id()).isEqualTo(created.client().id());
    }

    /**
     * Two instances rotate one client at the same moment: each hands out a new secret. The one
     * whose write lands second reads again and keeps the other's secret as the previous one,
     * instead of the original, so neither secret handed out is lost during the grace.
     */
    @Test
    void aRotationRacingAnotherInstancesRotationLosesNeitherSecret() {
        NewClient created = registry.create("TestSystem", null, ORDERS, BY);
        String id = created.client().id().value();
        ClientRegistry otherInstance = registrySharing(store);
        NewClient[] theirs = new NewClient[1];
        store.duringFind(() -> {
            store.duringFind(null); // once: between this instance's read and its write
            theirs[0] = otherInstance.rotateSecret(created.client().id(), Duration.ofHours(1), BY);
        });

        NewClient ours = registry.rotateSecret(created.client().id(), Duration.ofHours(1), BY);

        assertThat(registry.authenticate(id, ours.secret()).id()).isEqualTo(created.client().id());
        assertThat(registry.authenticate(id, theirs[0].secret()).id()).isEqualTo(created.client().id());
        assertThat(store.find(created.client().id()).orElseThrow().previousSecretHash())
                .isEqualTo(hasher.hash(theirs[0].secret()));
    }

    @Test
    void aGraceOutsideZeroToThirtyDaysIsAnInvalidRequestAndRotatesNothing() {
        NewClient created = registry.create("TestSystem", null, ORDERS, BY);
        String id = created.client().id().value();

        for (Duration grace : List.of(Duration.ofSeconds(-1), ClientRegistry.MAX_GRACE.plusSeconds(1))) {
            assertThatThrownBy(() -> registry.rotateSecret(created.client().id(), grace, BY))
                    .isInstanceOfSatisfying(LatchkeyException.class,
                            e -> assertThat(e.error()).isEqualTo(ErrorCode.INVALID_REQUEST));
        }

        assertThat(registry.authenticate(id, created.secret()).id()).isEqualTo(created.client().id());
        assertThat(store.find(created.client().id()).orElseThrow()).isEqualTo(created.client());
    }

    @Test
    void rotatingTheSecretOfAnUnknownClientIsNotFound() {
        assertThatThrownBy(() -> registry.rotateSecret(new ClientId(generator.id()), Duration.ZERO, BY))
                .isInstanceOfSatisfying(LatchkeyException.class, e -> assertThat(e.error()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void aChangeByAnotherInstanceIsSeenOnceTheClientIsInvalidated() {
        NewClient created = registry.create("TestSystem", null, ORDERS, BY);
        String id = created.client().id().value();
        registry.authenticate(id, created.secret());
        ClientRegistry otherInstance = registrySharing(store);

        NewClient rotated = otherInstance.rotateSecret(created.client().id(), Duration.ZERO, BY);
        registry.invalidate(created.client().id());

        assertInvalidClient(id, created.secret());
        assertThat(registry.authenticate(id, rotated.secret()).id()).isEqualTo(created.client().id());
    }

    @Test
    void aDeleteByAnotherInstanceIsSeenOnceEveryClientIsInvalidated() {
        NewClient created = registry.create("TestSystem", null, ORDERS, BY);
        String id = created.client().id().value();
        registry.authenticate(id, created.secret());

        registrySharing(store).delete(created.client().id(), BY);
        registry.invalidateAll();

        assertThat(registry.isCached(id)).isFalse();
        assertInvalidClient(id, created.secret());
    }

    @Test
    void aFloodOfDistinctClientsCannotGrowTheCacheWithoutBound() {
        for (int i = 0; i <= ClientRegistry.MAX_CACHED_CLIENTS; i++) {
            ClientId id = new ClientId("client-" + i);
            store.insert(new Client(id, "Flood", null, Scopes.NONE, "hash", null, null, clock.instant()));
            assertThat(registry.find(id)).isPresent();
        }

        assertThat(registry.isCached("client-0")).isFalse();
        assertThat(registry.isCached("client-" + ClientRegistry.MAX_CACHED_CLIENTS)).isTrue();
    }

    @Test
    void listingShowsAPartnersClientsOldestFirst() {
        NewClient older = registry.create("TestSystem", null, ORDERS, BY);
        clock.advance(Duration.ofSeconds(1));
        NewClient newer = registry.create("TestSystem", null, ORDERS, BY);
        registry.create("OtherSystem", null, ORDERS, BY);

        assertThat(registry.list("TestSystem")).extracting(Client::id)
                .containsExactly(older.client().id(), newer.client().id());
        assertThat(registry.list(null)).hasSize(3);
    }

    private ClientRegistry registrySharing(ClientStore shared) {
        return new ClientRegistry(shared, hasher, generator, clock, new Auditor(audit, generator, clock));
    }

    private void assertInvalidClient(String clientId, String secret) {
        assertThatThrownBy(() -> registry.authenticate(clientId, secret))
                .isInstanceOfSatisfying(LatchkeyException.class, e -> {
                    assertThat(e.error()).isEqualTo(ErrorCode.INVALID_CLIENT);
                    assertThat(e.failedAuthentication()).isTrue();
                });
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits until {@code thread} blocks on a lock or a condition, or has finished. */
    private static void awaitParkedOrDone(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() == Thread.State.NEW || thread.getState() == Thread.State.RUNNABLE) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the thread neither blocked nor finished");
            }
            Thread.onSpinWait();
        }
    }

    private static byte[] pepper() {
        byte[] pepper = new byte[32];
        RANDOM.nextBytes(pepper);
        return pepper;
    }
}
