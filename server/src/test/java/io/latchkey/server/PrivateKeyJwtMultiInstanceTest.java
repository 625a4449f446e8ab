package io.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * SPEC §7: a client assertion is accepted once across every instance sharing the store — the
 * replay of one assertion at a second instance fails there, and a client registered at one
 * instance authenticates with its keys at the other.
 */
@Tag("multi-instance")
class PrivateKeyJwtMultiInstanceTest {
    private static final String ISSUER = "https://auth.example.test";

    private TestServer a;
    private TestServer b;

    @BeforeEach
    void startTwoInstancesOnOneDatabase() {
        String url = PostgresForTests.newDatabase();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String masterKey = Base64.getEncoder().encodeToString(key);
        a = TestServer.start(config -> config.dbUrl(url).dbUser("postgres").masterKey(masterKey).issuer(ISSUER));
        b = TestServer.start(config -> config.dbUrl(url).dbUser("postgres").masterKey(masterKey).issuer(ISSUER));
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    @Test
    void anAssertionAcceptedAtOneInstanceIsRefusedAtTheOther() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        HttpResponse<String> created = a.admin("POST", "/admin/clients", TestServer.write(Map.of("partnerId", "acme",
                "tokenEndpointAuthMethod", "private_key_jwt", "jwks", new JWKSet(key.toPublicJWK()).toJSONObject(true))));
        assertThat(created.statusCode()).isEqualTo(201);
        String clientId = TestServer.json(created).get("clientId").asText();
        // Each instance's clock stands still at its start; four minutes after the first's is
        // within both instances' five.
        SignedJWT assertion = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").build(),
                new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(ISSUER + "/oauth2/token")
                        .expirationTime(Date.from(a.clock().instant().plus(Duration.ofMinutes(4))))
                        .jwtID(UUID.randomUUID().toString()).build());
        assertion.sign(new ECDSASigner(key));
        Map<String, String> form = Map.of("grant_type", "client_credentials",
                "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion", assertion.serialize());

        HttpResponse<String> first = b.postForm("/oauth2/token", form);
        HttpResponse<String> replay = a.postForm("/oauth2/token", form);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(TestServer.json(replay).get("error").asText()).isEqualTo("invalid_client");
    }
}
