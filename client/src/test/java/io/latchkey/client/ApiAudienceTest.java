package io.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.client.TokenRejectedException.Reason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §6 as protected APIs see it: a token minted for one registered API (RFC 8707
 * {@code resource}) is accepted by a verifier configured for that API's identifier and refused by
 * one configured for another.
 */
class ApiAudienceTest {
    private static final String ORDERS = "https://orders.example.test/";
    private static final String INVOICES = "https://invoices.example.test/";

    private static Latchkey latchkey;
    private static Latchkey.Client client;

    @BeforeAll
    static void start() {
        latchkey = Latchkey.start();
        client = latchkey.createClient("TestSystem");
        latchkey.createApiFor(client, ORDERS, "orders:read");
        latchkey.createApiFor(client, INVOICES, "invoices:read");
    }

    @AfterAll
    static void stop() {
        latchkey.close();
    }

    private static TokenVerifier verifierFor(String audience) {
        return TokenVerifier.builder(latchkey.url()).issuer(latchkey.issuer()).audience(audience)
                .sharedKeysFromServer(Latchkey.ADMIN_KEY).clock(latchkey.clock()).build();
    }

    @Test
    void aTokenForApiAIsAcceptedByTheVerifierOfApiA() throws Exception {
        TokenPrincipal principal = verifierFor(ORDERS).verify(latchkey.accessToken(client, ORDERS));

        assertThat(principal.clientId()).isEqualTo(client.id());
        assertThat(principal.scopes()).containsExactly("orders:read");
    }

    @Test
    void aTokenForApiAIsRefusedByAVerifierConfiguredForApiB() {
        String forOrders = latchkey.accessToken(client, ORDERS);

        assertThatThrownBy(() -> verifierFor(INVOICES).verify(forOrders)).isInstanceOfSatisfying(
                TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_AUDIENCE));
    }

    @Test
    void aTokenWithoutResourceIsRefusedByTheVerifierOfARegisteredApi() {
        String plain = latchkey.accessToken(client);

        assertThatThrownBy(() -> verifierFor(ORDERS).verify(plain)).isInstanceOfSatisfying(
                TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_AUDIENCE));
    }
}
