package io.latchkey.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jwt.SignedJWT;
import io.latchkey.core.key.SigningAlgorithm;
import io.latchkey.server.TestServer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /admin/keys/access-token}: the keys an API needs to verify access tokens offline. */
class SharedKeyEndpointTest {
    @RegisterExtension
    static final TestServer server = TestServer.extension();

    @Test
    void accessTokenKeysRequireAnAdminApiKey() {
        HttpResponse<String> response = server.get("/admin/keys/access-token");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).doesNotContain("\"k\"");
    }

    @Test
    void hs256AnswersTheSharedSecretThatVerifiesIssuedTokensAndIsNeverCached() throws Exception {
        String token = server.token(server.createClient("TestSystem")).get("access_token").asText();

        HttpResponse<String> response = server.get("/admin/keys/access-token", "X-API-Key", TestServer.ADMIN_KEY);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        JWKSet keys = JWKSet.parse(response.body());
        SignedJWT jwt = SignedJWT.parse(token);
        OctetSequenceKey key = (OctetSequenceKey) keys.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(jwt.verify(new MACVerifier(key))).isTrue();
    }

    @Test
    void asymmetricAlgorithmsAnswerOnlyPublicKeys() throws Exception {
        try (TestServer server = TestServer.start(config -> config.signingAlgorithm(SigningAlgorithm.ES256))) {
            String token = server.token(server.createClient("TestSystem")).get("access_token").asText();

            HttpResponse<String> response = server.get("/admin/keys/access-token", "X-API-Key", TestServer.ADMIN_KEY);

            JWKSet keys = JWKSet.parse(response.body());
            SignedJWT jwt = SignedJWT.parse(token);
            ECKey key = (ECKey) keys.getKeyByKeyId(jwt.getHeader().getKeyID());
            assertThat(key.isPrivate()).isFalse();
            assertThat(response.body()).doesNotContain("\"d\"");
            assertThat(jwt.verify(new ECDSAVerifier(key))).isTrue();
        }
    }

    @Test
    void aRotatedKeyStaysListedWhileItsTokensMayLive() throws Exception {
        String token = server.token(server.createClient("TestSystem")).get("access_token").asText();
        String before = SignedJWT.parse(token).getHeader().getKeyID();

        server.admin("POST", "/admin/keys/rotate", null);

        JWKSet after = JWKSet.parse(server.get("/admin/keys/access-token", "X-API-Key", TestServer.ADMIN_KEY).body());
        assertThat(after.getKeys()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(after.getKeyByKeyId(before)).isNotNull();
    }
}
