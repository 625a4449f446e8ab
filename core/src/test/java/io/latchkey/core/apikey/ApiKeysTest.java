package io.latchkey.core.apikey;

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
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
    private static final Actor BY = Actor.offline("test");

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String CONFIGURED = "configured-admin-key-0123456789abcdefghijklmnopqrstuvwxyz";

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private final MemoryApiKeyStore store = new MemoryApiKeyStore();
    private final SecretHasher hasher = new SecretHasher(pepper());
    private final SecretGenerator generator = new SecretGenerator(RANDOM);

    @Test
    void aNewKeyIsShownOnceAuthenticatesAndIsStoredOnlyAsAHash() {
        ApiKeys keys = instance(null);

        NewApiKey created = keys.create("deploy", ApiKeyRole.ADMIN, BY);

        assertThat(created.key()).startsWith("lk_");
        assertThat(created.toString()).doesNotContain(created.key());
        assertThat(keys.authenticate(created.key())).isEqualTo(created.apiKey());
        assertThat(store.list()).singleElement().satisfies(stored -> {
            assertThat(stored.keyHash()).isEqualTo(hasher.hash(created.key())).isNotEqualTo(created.key());
            assertThat(stored.name()).isEqualTo("deploy");
            assertThat(stored.createdAt()).isEqualTo(clock.instant());
        });
    }

    @Test
    void anAbsentEmptyOverlongOrUnknownKeyIsAFailedAuthentication() {
        ApiKeys keys = instance(CONFIGURED);
        keys.create("deploy", ApiKeyRole.ADMIN, BY);

        for (String presented : Arrays.asList(null, "", "x".repeat(ApiKeys.MAX_KEY_LENGTH + 1), "lk_" + generator.secret(),
                CONFIGURED + "x")) {
            assertThatThrownBy(() -> keys.authenticate(presented)).isInstanceOfSatisfying(LatchkeyException.class, e -> {
                assertThat(e.error()).isEqualTo(ErrorCode.INVALID_API_KEY);
                assertThat(e.failedAuthentication()).isTrue();
            });
        }
    }

    @Test
    void aDeletedKeyStopsWorkingAtOnce() {
        ApiKeys keys = instance(null);
        NewApiKey created = keys.create("deploy", ApiKeyRole.ADMIN, BY);
        NewApiKey kept = keys.create("ci", ApiKeyRole.ADMIN, BY);

        keys.delete(created.apiKey().id(), BY);

        assertInvalidApiKey(keys, created.key());
        assertThat(keys.authenticate(kept.key())).isEqualTo(kept.apiKey());
        assertThat(keys.list()).containsExactly(kept.apiKey());
    }

    @Test
    void deletingAnUnknownKeyIsNotFound() {
        ApiKeys keys = instance(null);

        assertThatThrownBy(() -> keys.delete("no-such-key", BY)).isInstanceOfSatisfying(LatchkeyException.class,
                e -> assertThat(e.error()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void aKeyCreatedAtAnotherInstanceWorksHereOnceReloaded() {
        ApiKeys here = instance(null);
        ApiKeys there = instance(null);

        NewApiKey created = there.create("deploy", ApiKeyRole.ADMIN, BY);
        here.reload();

        assertThat(here.authenticate(created.key())).isEqualTo(created.apiKey());
        assertThat(here.list()).containsExactly(created.apiKey());
    }

    @Test
    void aKeyCreatedAtAnotherInstanceWorksHereAtOnceBeforeAnyReload() {
        ApiKeys here = instance(null);
        ApiKeys there = instance(null);

        NewApiKey created = there.create("deploy", ApiKeyRole.ADMIN, BY);

        assertThat(here.isCached(created.key())).isFalse();
        assertThat(here.authenticate(created.key())).isEqualTo(created.apiKey());
        assertThat(here.isCached(created.key())).isTrue();
    }

    @Test
    void checkingInMemoryAnswersNullForAKeyOnlyTheStoreKnowsAndTheKeyOnceLoaded() {
        ApiKeys here = instance(null);
        ApiKeys there = instance(null);
        NewApiKey created = there.create("deploy", ApiKeyRole.ADMIN, BY);

        assertThat(here.authenticateInMemory(created.key())).isNull();
        assertThat(here.isCached(created.key())).isFalse(); // the in-memory check loaded nothing

        here.authenticate(created.key());
        assertThat(here.authenticateInMemory(created.key())).isEqualTo(created.apiKey());
        assertThatThrownBy(() -> here.authenticateInMemory("")).isInstanceOf(LatchkeyException.class);
    }

    @Test
    void aKeyDeletedAtAnotherInstanceStopsWorkingHereOnceReloaded() {
        ApiKeys here = instance(null);
        ApiKeys there = instance(null);
        NewApiKey created = here.create("deploy", ApiKeyRole.ADMIN, BY);
        NewApiKey kept = here.create("ci", ApiKeyRole.ADMIN, BY);
        there.reload();

        there.delete(created.apiKey().id(), BY);
        here.reload();

        assertInvalidApiKey(here, created.key());
        assertThat(here.authenticate(kept.key())).isEqualTo(kept.apiKey());
    }

    @Test
    void aReloadThatListedTheStoreBeforeADeleteDoesNotBringTheKeyBack() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CountDownLatch listed = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ApiKeyStore slowToList = new ApiKeyStore() {
            @Override public void insert(ApiKey key) { store.insert(key); }
            @Override public Optional<ApiKey> findByHash(String keyHash) { return store.findByHash(keyHash); }
            @Override public boolean delete(String id) { return store.delete(id); }
            @Override public List<ApiKey> list() {
                List<ApiKey> snapshot = store.list();
                if (armed.getAndSet(false)) {
                    listed.countDown();
                    await(release);
                }
                return snapshot;
            }
        };
        ApiKeys keys = new ApiKeys(slowToList, hasher, generator, clock,
                new Auditor(new MemoryAuditLog(), generator, clock), null);
        NewApiKey created = keys.create("deploy", ApiKeyRole.ADMIN, BY);
        armed.set(true); // the next listing pauses, as a change feed's reload may, between read and apply

        Thread reload = new Thread(keys::reload);
        reload.start();
        listed.await();
        Thread delete = new Thread(() -> keys.delete(created.apiKey().id(), BY));
        delete.start();
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (delete.getState() != Thread.State.BLOCKED && delete.isAlive() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        release.countDown();
        reload.join();
        delete.join();

        assertInvalidApiKey(keys, created.key());
    }

    @Test
    void theConfiguredKeyIsAcceptedAndListedFirstButNeverStored() {
        ApiKeys keys = instance(CONFIGURED);
        NewApiKey created = keys.create("deploy", ApiKeyRole.ADMIN, BY);

        assertThat(keys.authenticate(CONFIGURED).id()).isEqualTo(ApiKeys.CONFIGURED_KEY_ID);
        assertThat(keys.list()).extracting(ApiKey::id).containsExactly(ApiKeys.CONFIGURED_KEY_ID, created.apiKey().id());
        assertThat(store.list()).containsExactly(created.apiKey());
    }

    @Test
    void theConfiguredKeyCannotBeDeletedThroughTheApi() {
        ApiKeys keys = instance(CONFIGURED);

        assertThatThrownBy(() -> keys.delete(ApiKeys.CONFIGURED_KEY_ID, BY)).isInstanceOfSatisfying(LatchkeyException.class,
                e -> assertThat(e.error()).isEqualTo(ErrorCode.INVALID_REQUEST));

        assertThat(keys.authenticate(CONFIGURED).id()).isEqualTo(ApiKeys.CONFIGURED_KEY_ID);
    }

    @Test
    void aFirstStartWithoutAnyKeyBootstrapsOneAndOnlyOne() {
        ApiKeys keys = instance(null);

        NewApiKey bootstrapped = keys.bootstrap().orElseThrow();

        assertThat(keys.authenticate(bootstrapped.key())).isEqualTo(bootstrapped.apiKey());
        assertThat(bootstrapped.apiKey().name()).isEqualTo("bootstrap");
        assertThat(keys.bootstrap()).isEmpty();
        assertThat(instance(null).bootstrap()).isEmpty(); // the next start finds it stored
        assertThat(store.list()).hasSize(1);
    }

    @Test
    void aConfiguredKeyMeansNothingIsBootstrapped() {
        ApiKeys keys = instance(CONFIGURED);

        assertThat(keys.bootstrap()).isEmpty();
        assertThat(store.list()).isEmpty();
    }

    /** Another instance sharing the store, or the next start of this one. */
    private ApiKeys instance(String configuredKey) {
        return new ApiKeys(store, hasher, generator, clock, new Auditor(new MemoryAuditLog(), generator, clock),
                configuredKey);
    }

    private static void assertInvalidApiKey(ApiKeys keys, String presented) {
        assertThatThrownBy(() -> keys.authenticate(presented)).isInstanceOfSatisfying(LatchkeyException.class,
                e -> assertThat(e.error()).isEqualTo(ErrorCode.INVALID_API_KEY));
    }

    private static void await(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] pepper() {
        byte[] pepper = new byte[32];
        RANDOM.nextBytes(pepper);
        return pepper;
    }
}
