package io.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.client.TokenRejectedException.Reason;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §9 from the protected API's side: a {@link TokenVerifier} with a credential for the server
 * follows the revocation feed by default, with one long poll and no call per request, so that a
 * revoked token, a revoked refresh family and a deleted client are refused within 2 s; it fails
 * closed when it has not read the feed for its staleness bound, and says so to its listener.
 */
class RevocationFeedTest {
    private static final Duration BOUND = Duration.ofSeconds(2);
    private static Latchkey latchkey;
    private static String verifierKey;
    private final CountingHttpClient http = new CountingHttpClient();
    private final AtomicLong ticker = new AtomicLong(System.nanoTime());
    private TokenVerifier verifier;

    @BeforeAll
    static void start() {
        latchkey = Latchkey.start();
        verifierKey = latchkey.createVerifierKey();
    }

    @AfterAll
    static void stop() {
        latchkey.close();
    }

    @AfterEach
    void closeVerifier() {
        if (verifier != null) {
            verifier.close();
        }
    }

    private TokenVerifier.Builder builder() {
        return TokenVerifier.builder(latchkey.url()).issuer(latchkey.issuer()).sharedKeysFromServer(verifierKey)
                .clock(latchkey.clock()).httpClient(http).revocationFeedTicker(ticker::get);
    }

    @Test
    void aRevokedAccessTokenIsRefusedWithinTwoSecondsWithNoCallPerRequest() throws Exception {
        verifier = builder().build();
        Latchkey.Client client = latchkey.createClient("acme");
        String token = latchkey.accessToken(client);
        for (int i = 0; i < 1_000; i++) {
            verifier.verify(token);
        }
        assertThat(http.count("/oauth2/revocations")).isLessThanOrEqualTo(2); // the whole list, then one long poll

        latchkey.revoke(client, token);

        assertRefusedWithin(BOUND, () -> verifier.verify(token), Reason.REVOKED);
        assertThat(verifier.revocationFeedStatus().following()).isTrue();
        assertThat(verifier.revocationFeedStatus().entries()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void everyAccessTokenOfARevokedRefreshFamilyIsRefusedWithinTwoSeconds() throws Exception {
        verifier = builder().build();
        Latchkey.Client client = latchkey.createClient("acme");
        Map<String, Object> tokens = latchkey.token(client);
        String access = (String) tokens.get("access_token");
        verifier.verify(access);

        latchkey.revoke(client, (String) tokens.get("refresh_token"));

        assertRefusedWithin(BOUND, () -> verifier.verify(access), Reason.REVOKED);
    }

    @Test
    void aDeletedClientsTokensAreRefusedWithinTwoSeconds() throws Exception {
        verifier = builder().build();
        Latchkey.Client client = latchkey.createClient("acme");
        String token = latchkey.accessToken(client);
        verifier.verify(token);

        latchkey.deleteClient(client.id());

        assertRefusedWithin(BOUND, () -> verifier.verify(token), Reason.REVOKED);
    }

    @Test
    void aVerifierThatHasNotReadTheFeedForItsStalenessBoundRefusesEveryToken() throws Exception {
        verifier = builder().revocationFeedMaxStaleness(Duration.ofSeconds(30)).build();
        Latchkey.Client client = latchkey.createClient("acme");
        String token = latchkey.accessToken(client);
        verifier.verify(token);

        ticker.addAndGet(Duration.ofSeconds(31).toNanos());

        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOfSatisfying(TokenRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE));
        assertThat(verifier.revocationFeedStatus().current()).isFalse();
        // The next answer of the feed (news wakes the long poll) makes it current again.
        latchkey.revoke(client, latchkey.accessToken(client));
        Await.awaitTrue(BOUND, () -> verifier.revocationFeedStatus().current());
        verifier.verify(token);
    }

    @Test
    void aFeedThatCannotBeReadIsToldToTheListenerRetriedWithBackoffAndFailsClosed() {
        List<Exception> failures = new CopyOnWriteArrayList<>();
        verifier = TokenVerifier.builder(URI.create("http://127.0.0.1:9")).issuer(latchkey.issuer())
                .revocationFeedWithApiKey(verifierKey).keys(latchkey.accessTokenKeys()).httpClient(http)
                .revocationFeedListener(new RevocationFeedListener() {
                    @Override
                    public void onBehind(Duration sinceLastRead, Exception cause) {
                        failures.add(cause);
                    }
                }).build();

        Await.awaitTrue(Duration.ofSeconds(5), () -> failures.size() >= 2);
        assertThat(http.count("/oauth2/revocations")).isLessThan(10); // backoff, not a busy loop
        assertThat(verifier.revocationFeedStatus().current()).isFalse();
        assertThat(verifier.revocationFeedStatus().sinceLastRead()).isNull();
        String token = latchkey.accessToken(latchkey.createClient("acme"));
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOfSatisfying(TokenRejectedException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
            assertThat(e.getCause()).isNotNull();
        });
    }

    @Test
    void aVerifierWithoutTheFeedAsksNothingAndAcceptsUntilExpiry() throws Exception {
        verifier = builder().withoutRevocationFeed().build();
        Latchkey.Client client = latchkey.createClient("acme");
        String token = latchkey.accessToken(client);
        latchkey.revoke(client, token);

        verifier.verify(token);

        assertThat(http.count("/oauth2/revocations")).isZero();
        assertThat(verifier.revocationFeedStatus().following()).isFalse();
    }

    @Test
    void theFeedMayBeFollowedAsAClient() throws Exception {
        Latchkey.Client api = latchkey.createClient("orders-api");
        verifier = builder().revocationFeedAsClient(api.id(), api.secret()).build();
        Latchkey.Client client = latchkey.createClient("acme");
        String token = latchkey.accessToken(client);
        verifier.verify(token);

        latchkey.revoke(client, token);

        assertRefusedWithin(BOUND, () -> verifier.verify(token), Reason.REVOKED);
    }

    private static void assertRefusedWithin(Duration bound, ThrowingCallable verify, Reason reason) {
        Await.awaitTrue(bound, () -> {
            try {
                verify.call();
                return false;
            } catch (TokenRejectedException e) {
                assertThat(e.reason()).isEqualTo(reason);
                return true;
            } catch (Throwable e) {
                throw new AssertionError(e);
            }
        });
    }

    /** Awaits a condition, never sleeping for luck. */
    private static final class Await {
        static void awaitTrue(Duration bound, java.util.function.BooleanSupplier condition) {
            long deadline = System.nanoTime() + bound.toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("condition did not hold within " + bound);
                }
                Thread.onSpinWait();
            }
        }
    }
}
