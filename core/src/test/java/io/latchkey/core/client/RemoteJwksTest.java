package io.latchkey.core.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.testing.SettableClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RemoteJwksTest {
    private static final ClientId CLIENT = new ClientId("client-1");
    private static final JwksUri URI = JwksUri.parse("https://partner.example/jwks.json");

    private final SettableClock clock = SettableClock.startingNow();
    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicReference<String> served = new AtomicReference<>(set());
    private final RemoteJwks remote = new RemoteJwks(uri -> {
        fetches.incrementAndGet();
        String body = served.get();
        if (body == null) {
            throw LatchkeyException.invalidRequest("jwksUri answered HTTP 503.");
        }
        return body;
    }, clock);

    @Test
    void aSetIsFetchedOnFirstUseAndThenServedFromMemoryUntilItAges() {
        ClientJwks first = remote.keys(CLIENT, URI);
        assertThat(remote.keys(CLIENT, URI)).isSameAs(first);
        assertThat(fetches).hasValue(1);

        clock.advance(RemoteJwks.MAX_AGE);

        assertThat(remote.keys(CLIENT, URI)).isNotSameAs(first);
        assertThat(fetches).hasValue(2);
    }

    @Test
    void anUnknownKidRefetchesOnlyOncePerInterval() {
        ClientJwks seen = remote.keys(CLIENT, URI);

        assertThat(remote.refetched(CLIENT, URI, seen)).isEmpty();
        clock.advance(RemoteJwks.MIN_REFETCH_INTERVAL);
        ClientJwks newer = remote.refetched(CLIENT, URI, seen).orElseThrow();
        // A second request that saw the old set gets the newer one without a fetch.
        assertThat(remote.refetched(CLIENT, URI, seen)).containsSame(newer);
        assertThat(remote.refetched(CLIENT, URI, newer)).isEmpty();
        assertThat(fetches).hasValue(2);
    }

    @Test
    void aFailingUriIsTriedOncePerIntervalAndIsInvalidClientMeanwhile() {
        served.set(null);

        assertInvalidClient();
        assertInvalidClient();
        assertThat(fetches).hasValue(1);

        served.set(set());
        clock.advance(RemoteJwks.MIN_REFETCH_INTERVAL);
        assertThat(remote.keys(CLIENT, URI)).isNotNull();
        assertThat(fetches).hasValue(2);
    }

    @Test
    void aPrivateMemberAtTheUriIsRefusedAtRegistrationSayingSo() throws Exception {
        served.set(new JWKSet(new ECKeyGenerator(Curve.P_256).generate()).toString(false));

        assertThatThrownBy(() -> remote.fetchNow(URI)).isInstanceOfSatisfying(LatchkeyException.class, e -> {
            assertThat(e.error()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(e.getMessage()).contains("jwksUri").contains("private member").doesNotContain("\"d\"");
        });
    }

    @Test
    void concurrentFirstUsesOfOneClientShareOneFetch() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger slowFetches = new AtomicInteger();
        RemoteJwks slow = new RemoteJwks(uri -> {
            slowFetches.incrementAndGet();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return set();
        }, clock);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<ClientJwks>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> slow.keys(CLIENT, URI)));
            }
            release.countDown();
            for (Future<ClientJwks> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS)).isNotNull();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(slowFetches).hasValue(1);
    }

    @Test
    void aUriThatIsNotHttpsOrLoopbackIsRefused() {
        assertThatThrownBy(() -> JwksUri.parse("http://partner.example/jwks.json")).isInstanceOf(LatchkeyException.class);
        assertThatThrownBy(() -> JwksUri.parse("http://127.0.0.1.partner.example/jwks.json"))
                .isInstanceOf(LatchkeyException.class);
        assertThat(JwksUri.parse("http://127.0.0.1:8080/jwks.json").loopback()).isTrue();
        assertThat(JwksUri.parse("http://[::1]:8080/jwks.json").loopback()).isTrue();
        assertThat(JwksUri.parse("http://localhost/jwks.json").loopback()).isTrue();
        assertThat(JwksUri.parse("https://partner.example/jwks.json").loopback()).isFalse();
    }

    private void assertInvalidClient() {
        assertThatThrownBy(() -> remote.keys(CLIENT, URI)).isInstanceOfSatisfying(LatchkeyException.class,
                e -> assertThat(e.error()).isEqualTo(ErrorCode.INVALID_CLIENT));
    }

    private static String set() {
        try {
            return new JWKSet(new ECKeyGenerator(Curve.P_256).keyID("k").generate().toPublicJWK()).toString(true);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
