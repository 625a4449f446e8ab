package io.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.client.TokenRejectedException.Reason;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The verifier's optional revocation check: introspection (RFC 7662) with a short cache. */
class IntrospectionTest {
    private static Latchkey latchkey;
    private static Latchkey.Client api;

    @BeforeAll
    static void start() {
        latchkey = Latchkey.start();
        api = latchkey.createClient("OrdersApi"); // the protected API introspects as a client of its own
    }

    @AfterAll
    static void stop() {
        latchkey.close();
    }

    private static TokenVerifier.Builder verifier(CountingHttpClient http) {
        return TokenVerifier.builder(latchkey.url()).issuer(latchkey.issuer())
                .sharedKeysFromServer(Latchkey.ADMIN_KEY).clock(latchkey.clock()).httpClient(http)
                .introspectionCacheTtl(Duration.ofSeconds(10))
                .withoutRevocationFeed(); // introspection alone here; RevocationFeedTest follows the feed
    }

    @Test
    void aDeletedClientsTokenIsRefusedOnceTheIntrospectionCacheExpires() throws Exception {
        Latchkey.Client partner = latchkey.createClient("TestSystem");
        CountingHttpClient http = new CountingHttpClient();
        TokenVerifier verifier = verifier(http).introspectAsClient(api.id(), api.secret()).build();
        String token = latchkey.accessToken(partner);
        assertThat(verifier.verify(token).clientId()).isEqualTo(partner.id());

        latchkey.deleteClient(partner.id());
        assertThat(verifier.verify(token).clientId()).isEqualTo(partner.id()); // the cached answer
        assertThat(http.count("/oauth2/introspect")).isEqualTo(1);

        latchkey.clock().advance(Duration.ofSeconds(10));
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOfSatisfying(TokenRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.REVOKED));
        assertThat(http.count("/oauth2/introspect")).isEqualTo(2);
    }

    @Test
    void aRevokedTokenIsRefusedWhenIntrospectingWithAVerifierApiKey() {
        Latchkey.Client partner = latchkey.createClient("TestSystem");
        String verifierKey = latchkey.createVerifierKey();
        TokenVerifier verifier = verifier(new CountingHttpClient()).introspectWithApiKey(verifierKey).build();
        String token = latchkey.accessToken(partner);

        latchkey.revoke(partner, token);

        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOfSatisfying(TokenRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.REVOKED));
    }

    @Test
    void anIntrospectionEndpointThatCannotBeReachedFailsClosed() throws Exception {
        Latchkey.Client partner = latchkey.createClient("TestSystem");
        String token = latchkey.accessToken(partner);
        TokenVerifier verifier = TokenVerifier.builder(URI.create("http://127.0.0.1:9")).issuer(latchkey.issuer())
                .sharedKey(Tokens.sharedKeyOf(latchkey, token).toByteArray()).clock(latchkey.clock())
                .introspectWithApiKey(Latchkey.ADMIN_KEY).build();

        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOfSatisfying(TokenRejectedException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
            assertThat(e.getCause()).isNotNull();
        });
    }
}
