package io.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.latchkey.testing.SettableClock;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many threads sharing one verifier — its per-thread {@code Mac}s and its header cache — each get
 * exactly the verdict a lone thread would, with tokens of two keys interleaved.
 */
class ConcurrentVerificationTest {
    private static final String ISSUER = "https://auth.example";

    @Test
    void threadsSharingAVerifierGetTheVerdictsALoneThreadWould() throws Exception {
        SettableClock clock = SettableClock.startingNow();
        OctetSequenceKey first = new OctetSequenceKeyGenerator(256).keyID("first").generate();
        OctetSequenceKey second = new OctetSequenceKeyGenerator(256).keyID("second").generate();
        OctetSequenceKey stranger = new OctetSequenceKeyGenerator(256).keyID("first").generate();
        TokenVerifier verifier = TokenVerifier.builder(URI.create(ISSUER)).clock(clock)
                .keys(new JWKSet(List.of(first, second)).toString(false)).build();
        String one = token(first, "partner-1", clock);
        String two = token(second, "partner-2", clock);
        String forged = token(stranger, "partner-1", clock);

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> workers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                workers.add(pool.submit(() -> {
                    int wrong = 0;
                    for (int i = 0; i < 500; i++) {
                        wrong += verifier.verify(one).partnerId().equals("partner-1") ? 0 : 1;
                        wrong += verifier.verify(two).partnerId().equals("partner-2") ? 0 : 1;
                        try {
                            verifier.verify(forged);
                            wrong++;
                        } catch (TokenRejectedException e) {
                            wrong += e.reason() == TokenRejectedException.Reason.BAD_SIGNATURE ? 0 : 1;
                        }
                    }
                    return wrong;
                }));
            }
            for (Future<Integer> worker : workers) {
                assertThat(worker.get(60, TimeUnit.SECONDS)).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String token(OctetSequenceKey key, String partnerId, SettableClock clock) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("at+jwt"))
                .keyID(key.getKeyID()).build(), new JWTClaimsSet.Builder().issuer(ISSUER).audience(ISSUER)
                .subject("client").claim("client_id", "client").claim("partner_id", partnerId)
                .issueTime(Date.from(clock.instant()))
                .expirationTime(Date.from(clock.instant().plus(Duration.ofHours(1)))).build());
        jwt.sign(new MACSigner(key));
        return jwt.serialize();
    }
}
