package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.latchkey.core.key.SigningAlgorithm;
import io.latchkey.server.TestServer.Credentials;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An ECDSA signature (r, s) has a twin, (r, n − s), that verifies the same message under the same
 * key (issue 14, finding 8). Left alone, every ES256 token has two spellings that both verify:
 * anything keyed by a token's text can be sidestepped, and a strict verifier at a protected API
 * disagrees with this server. The server signs with the low s only (s ≤ n/2) and refuses the high.
 */
class SignatureMalleabilityTest {
    /** The order n of P-256's base point (SEC 2 §2.4.2, FIPS 186-4 D.1.2.3). */
    static final BigInteger P256_ORDER =
            new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    private static TestServer server;
    private static Credentials client;

    @BeforeAll
    static void start() {
        server = TestServer.start(config -> config.signingAlgorithm(SigningAlgorithm.ES256));
        client = server.createClient("acme", "read");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyEs256TokenIsSignedWithTheLowS() {
        for (int i = 0; i < 32; i++) {
            String token = server.token(client).get("access_token").asText();

            assertThat(s(token)).as("s of token %d", i).isLessThanOrEqualTo(P256_ORDER.shiftRight(1));
        }
    }

    @Test
    void anEs256TokenWithItsSignatureInTheHighSFormIsNotActive() {
        String token = server.token(client).get("access_token").asText();
        String twin = withSignatureTwin(token);

        assertThat(introspect(twin).get("active").asBoolean()).as("the (r, n - s) twin").isFalse();
        assertThat(introspect(token).get("active").asBoolean()).as("the token as issued").isTrue();
    }

    @Test
    void revokingTheHighSTwinOfATokenDoesNotRevokeTheToken() {
        String token = server.token(client).get("access_token").asText();

        HttpResponse<String> revoked = server.postForm("/oauth2/revoke", Map.of("token", withSignatureTwin(token)),
                "Authorization", client.basic());

        assertThat(revoked.statusCode()).isEqualTo(200); // RFC 7009 §2.2: an invalid token is no error
        assertThat(introspect(token).get("active").asBoolean()).isTrue();
    }

    private static JsonNode introspect(String token) {
        HttpResponse<String> response = server.postForm("/oauth2/introspect", Map.of("token", token),
                "Authorization", client.basic());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestServer.json(response);
    }

    private static BigInteger s(String token) {
        byte[] signature = Base64.getUrlDecoder().decode(TokenForgery.signature(token));
        return new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
    }

    /** {@code token} with its ES256 signature {@code R || S} (RFC 7518 §3.4) replaced by {@code R || n − S}. */
    static String withSignatureTwin(String token) {
        String[] segments = TokenForgery.segments(token);
        byte[] signature = Base64.getUrlDecoder().decode(segments[2]);
        byte[] twinS = P256_ORDER.subtract(new BigInteger(1, Arrays.copyOfRange(signature, 32, 64))).toByteArray();
        byte[] twin = Arrays.copyOf(signature, 64);
        Arrays.fill(twin, 32, 64, (byte) 0);
        int length = Math.min(twinS.length, 32); // toByteArray may lead with a sign byte
        System.arraycopy(twinS, twinS.length - length, twin, 64 - length, length);
        return segments[0] + "." + segments[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(twin);
    }
}
