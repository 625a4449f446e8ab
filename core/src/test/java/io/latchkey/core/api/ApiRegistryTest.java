package io.latchkey.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.audit.Actor;
import io.latchkey.core.audit.AuditAction;
import io.latchkey.core.audit.Auditor;
import io.latchkey.core.audit.MemoryAuditLog;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.Scopes;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.secret.SecretGenerator;
import io.latchkey.testing.SettableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** APIs and grants held in memory: what a token request and introspection read instead of the store. */
class ApiRegistryTest {
    private static final Actor BY = Actor.offline("test");
    private static final ResourceIdentifier ORDERS = new ResourceIdentifier("https://orders.example.com/");
    private static final ClientId CLIENT = new ClientId("client-1");

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private final MemoryAuditLog audit = new MemoryAuditLog();
    private final MemoryApiStore store = new MemoryApiStore();
    private final ApiRegistry registry = sharing(store);

    private ApiRegistry sharing(MemoryApiStore shared) {
        return new ApiRegistry(shared, new SecretGenerator(new SecureRandom()), clock, new Auditor(audit, new SecretGenerator(new SecureRandom()), clock));
    }

    private static Scopes scopes(String... values) {
        return Scopes.of(List.of(values));
    }

    @Test
    void aGrantedClientGetsTheGrantedScopesOfTheApiItNames() {
        Api api = registry.register(ORDERS, "Orders", scopes("r", "w"), Duration.ofMinutes(5), BY);
        registry.grant(CLIENT, api.id(), scopes("r"), BY);

        ApiAccess access = registry.access(CLIENT, ORDERS);

        assertThat(access.api()).isEqualTo(api);
        assertThat(access.scopes()).isEqualTo(scopes("r"));
        assertThat(audit.all()).extracting(event -> event.action())
                .containsExactly(AuditAction.API_CREATED, AuditAction.API_GRANTED);
    }

    @Test
    void aTakenIdentifierIsAConflict() {
        registry.register(ORDERS, null, scopes("r"), null, BY);

        assertThatThrownBy(() -> registry.register(ORDERS, null, scopes("r"), null, BY))
                .isInstanceOfSatisfying(LatchkeyException.class, e -> assertThat(e.error()).isEqualTo(ErrorCode.CONFLICT));
    }

    @Test
    void aGrantOfAScopeTheApiLacksIsRefused() {
        Api api = registry.register(ORDERS, null, scopes("r"), null, BY);

        assertThatThrownBy(() -> registry.grant(CLIENT, api.id(), scopes("r", "admin"), BY))
                .isInstanceOfSatisfying(LatchkeyException.class,
                        e -> assertThat(e.error()).isEqualTo(ErrorCode.INVALID_REQUEST));
    }

    @Test
    void anUngrantedOrUnknownResourceIsAnInvalidTarget() {
        registry.register(ORDERS, null, scopes("r"), null, BY);

        for (String resource : List.of(ORDERS.value(), "https://unknown.example.com/")) {
            assertThatThrownBy(() -> registry.access(CLIENT, new ResourceIdentifier(resource)))
                    .isInstanceOfSatisfying(LatchkeyException.class,
                            e -> assertThat(e.error()).isEqualTo(ErrorCode.INVALID_TARGET));
        }
    }

    @Test
    void aWithdrawnGrantOrADeletedApiNoLongerCountsOnceTheCallReturns() {
        Api api = registry.register(ORDERS, null, scopes("r"), null, BY);
        registry.grant(CLIENT, api.id(), scopes("r"), BY);
        Instant issued = clock.instant();
        assertThat(registry.isGranted(CLIENT.value(), ORDERS.value(), issued)).isTrue();

        registry.revokeGrant(CLIENT, api.id(), BY);
        assertThat(registry.isGranted(CLIENT.value(), ORDERS.value(), issued)).isFalse();

        clock.advance(Duration.ofSeconds(1));
        registry.grant(CLIENT, api.id(), scopes("r"), BY);
        assertThat(registry.isGranted(CLIENT.value(), ORDERS.value(), issued)).as("older than the grant").isFalse();
        assertThat(registry.isGranted(CLIENT.value(), ORDERS.value(), clock.instant())).isTrue();

        registry.delete(api.id(), BY);
        assertThat(registry.isGranted(CLIENT.value(), ORDERS.value(), clock.instant())).isFalse();
        assertThat(registry.grantsOf(CLIENT)).isEmpty();
    }

    @Test
    void anotherInstancesChangesAreSeenAfterTheReloadTheirChangeEntryCauses() {
        ApiRegistry other = sharing(store);
        Api api = registry.register(ORDERS, null, scopes("r"), null, BY);
        other.reloadApi(api.id());
        registry.grant(CLIENT, api.id(), scopes("r"), BY);
        other.reloadGrants(CLIENT);
        assertThat(other.access(CLIENT, ORDERS).scopes()).isEqualTo(scopes("r"));

        registry.delete(api.id(), BY);
        other.reloadApi(api.id());

        assertThat(other.find(api.id())).isEmpty();
        assertThat(other.grantsOf(CLIENT)).isEmpty();
    }

    @Test
    void aClientsGrantsAreReadFromTheStoreWhenFirstAskedAboutThenFromMemory() {
        Api api = registry.register(ORDERS, null, scopes("r"), null, BY);
        registry.grant(CLIENT, api.id(), scopes("r"), BY);
        ApiRegistry started = sharing(store);
        started.load();
        assertThat(started.areGrantsCached(CLIENT.value())).as("not read at start").isFalse();

        assertThat(started.access(CLIENT, ORDERS).scopes()).isEqualTo(scopes("r"));
        assertThat(started.areGrantsCached(CLIENT.value())).isTrue();

        store.deleteGrant(CLIENT, api.id()); // behind its back: only a change entry would tell it
        assertThat(started.isGranted(CLIENT.value(), ORDERS.value(), clock.instant())).as("from memory").isTrue();
        started.reloadGrants(CLIENT);
        assertThat(started.isGranted(CLIENT.value(), ORDERS.value(), clock.instant())).isFalse();
        assertThat(started.grantsOf(new ClientId("client-never-granted"))).isEmpty();
    }

    @Test
    void narrowingAnApisScopesNarrowsWhatItsGrantsGive() {
        Api api = registry.register(ORDERS, null, scopes("r", "w"), null, BY);
        registry.grant(CLIENT, api.id(), scopes("r", "w"), BY);

        registry.update(api.id(), null, scopes("r"), null, false, BY);

        assertThat(registry.access(CLIENT, ORDERS).scopes()).isEqualTo(scopes("r"));
    }
}
