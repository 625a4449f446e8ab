package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RFC 9449 §8 with {@code LATCHKEY_DPOP_NONCES=true}: the token endpoint answers a proof without
 * its nonce with 400 {@code use_dpop_nonce} and a {@code DPoP-Nonce} header, accepts the proof
 * made again with it, and refuses the nonce once two periods have passed.
 */
class DpopNonceTest {
    @RegisterExtension
    static final TestServer server = TestServer.extension(config -> config.dpopNonces(true));

    private HttpResponse<String> tokenRequest(TestServer.Credentials client, String proof) {
        return server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                "Authorization", client.basic(), "DPoP", proof);
    }

    private String proof(JWK key, String nonce) {
        return DpopProofs.proof(key, "POST", server.issuer() + "/oauth2/token", server.clock().instant(), h -> h,
                c -> nonce == null ? c : c.claim("nonce", nonce));
    }

    @Test
    void aProofWithoutTheServersNonceIsAnsweredUseDpopNonceWithTheNonceToRetryWith() {
        TestServer.Credentials client = server.createClient("partner-nonce");
        JWK key = DpopProofs.key(JWSAlgorithm.EdDSA);

        HttpResponse<String> refused = tokenRequest(client, proof(key, null));

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(refused).get("error").asText()).isEqualTo("use_dpop_nonce");
        String nonce = refused.headers().firstValue("DPoP-Nonce").orElseThrow();
        HttpResponse<String> accepted = tokenRequest(client, proof(key, nonce));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(TestServer.json(accepted).get("token_type").asText()).isEqualTo("DPoP");
        assertThat(accepted.headers().firstValue("DPoP-Nonce")).isPresent();
    }

    @Test
    void anOldNonceIsRefusedAndAWrongOneToo() {
        TestServer.Credentials client = server.createClient("partner-nonce");
        JWK key = DpopProofs.key(JWSAlgorithm.ES256);
        String nonce = tokenRequest(client, proof(key, null)).headers().firstValue("DPoP-Nonce").orElseThrow();

        assertThat(TestServer.json(tokenRequest(client, proof(key, "not-the-nonce"))).get("error").asText())
                .isEqualTo("use_dpop_nonce");
        server.clock().advance(Duration.ofSeconds(121));
        assertThat(TestServer.json(tokenRequest(client, proof(key, nonce))).get("error").asText())
                .isEqualTo("use_dpop_nonce");
    }
}
