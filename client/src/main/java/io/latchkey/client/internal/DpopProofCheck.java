package io.latchkey.client.internal;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.latchkey.client.TokenRejectedException;
import io.latchkey.client.TokenRejectedException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks the DPoP proof that comes with a DPoP-bound access token at a protected API (RFC 9449
 * §4.3 and §7.1): {@code typ: dpop+jwt}, an asymmetric algorithm, a public {@code jwk} whose
 * RFC 7638 thumbprint is the token's {@code cnf.jkt}, a signature by it, {@code htm} and {@code
 * htu} of this request, {@code ath} the token's hash, {@code iat} within the window (and the
 * clock skew) of now, and a {@code jti} not seen within that window on this verifier. Any failure
 * is {@link Reason#INVALID_DPOP_PROOF}.
 */
public final class DpopProofCheck {
    static final Duration WINDOW = Duration.ofSeconds(60);
    static final int MAX_PROOF_LENGTH = 4 * 1024;
    private static final List<JWSAlgorithm> ALGORITHMS =
            List.of(JWSAlgorithm.ES256, JWSAlgorithm.EdDSA, JWSAlgorithm.RS256, JWSAlgorithm.PS256);
    private static final JOSEObjectType DPOP_JWT = new JOSEObjectType("dpop+jwt");
    private static final byte[] ED25519_SPKI_PREFIX = {
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
    };
    /** Past this many remembered jti in one generation, proofs are refused rather than memory grown. */
    private static final int MAX_JTIS = 1_000_000;

    private final Clock clock;
    private final long windowMillis;
    private volatile Generation current;

    /** The jti seen since {@code startedAt}, and those of the generation before. */
    private record Generation(long startedAt, ConcurrentHashMap<String, Boolean> seen,
                              ConcurrentHashMap<String, Boolean> before) {
    }

    public DpopProofCheck(Clock clock, Duration skew) {
        this.clock = clock;
        this.windowMillis = WINDOW.plus(skew).toMillis();
        this.current = new Generation(clock.millis(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    }

    /** The space-separated algorithms accepted, for the {@code algs} of a DPoP challenge (RFC 9449 §7.1). */
    public static String algorithms() {
        return String.join(" ", ALGORITHMS.stream().map(JWSAlgorithm::getName).toList());
    }

    /**
     * @param jkt the {@code cnf.jkt} of the access token, already verified
     * @throws TokenRejectedException {@link Reason#INVALID_DPOP_PROOF}
     */
    public void verify(String proof, String method, String uri, String accessToken, String jkt)
            throws TokenRejectedException {
        if (proof == null || proof.isEmpty() || proof.length() > MAX_PROOF_LENGTH || method == null) {
            throw invalid();
        }
        int dot = proof.indexOf('.');
        int second = dot < 0 ? -1 : proof.indexOf('.', dot + 1);
        if (dot <= 0 || second <= dot + 1 || second == proof.length() - 1 || proof.indexOf('.', second + 1) >= 0) {
            throw invalid();
        }
        Map<String, Object> claims;
        try {
            JWSHeader header = JWSHeader.parse(new Base64URL(proof.substring(0, dot)));
            JWK jwk = header.getJWK();
            if (!DPOP_JWT.equals(header.getType()) || !ALGORITHMS.contains(header.getAlgorithm()) || jwk == null
                    || jwk.isPrivate() || (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty())
                    || !jwk.computeThumbprint().toString().equals(jkt)) {
                throw invalid();
            }
            byte[] input = proof.substring(0, second).getBytes(StandardCharsets.US_ASCII);
            Base64URL signature = new Base64URL(proof.substring(second + 1));
            if (!verifies(header, jwk, input, signature)) {
                throw invalid();
            }
            claims = JSONObjectUtils.parse(new Base64URL(proof.substring(dot + 1, second)).decodeToString());
        } catch (TokenRejectedException e) {
            throw e;
        } catch (Exception e) {
            throw invalid(); // anything malformed is simply not a valid proof
        }
        checkClaims(claims, method, uri, accessToken, jkt);
    }

    private void checkClaims(Map<String, Object> claims, String method, String uri, String accessToken, String jkt)
            throws TokenRejectedException {
        Object jti = claims.get("jti");
        Object htm = claims.get("htm");
        Object htu = claims.get("htu");
        Object ath = claims.get("ath");
        Object iat = claims.get("iat");
        if (!(jti instanceof String id) || id.isEmpty() || id.length() > 256 || !method.equals(htm)
                || !(htu instanceof String htuText) || !(iat instanceof Number issued) || !(ath instanceof String hash)) {
            throw invalid();
        }
        String expected = HttpUris.normalise(uri);
        String given = HttpUris.normalise(withoutQuery(htuText));
        if (expected == null || !expected.equals(given)) {
            throw invalid();
        }
        long now = clock.millis();
        if (Math.abs(now - issued.longValue() * 1000) > windowMillis) {
            throw invalid();
        }
        if (!MessageDigest.isEqual(hash.getBytes(StandardCharsets.US_ASCII),
                DpopSigner.ath(accessToken).getBytes(StandardCharsets.US_ASCII))) {
            throw invalid();
        }
        if (!firstUse(jkt + ' ' + id, now)) {
            throw invalid();
        }
    }

    /** RFC 9449 §11.1, in two generations of two windows each, as the server keeps them. */
    private boolean firstUse(String key, long now) {
        Generation generation = current;
        if (now - generation.startedAt() >= 2 * windowMillis) {
            synchronized (this) {
                generation = current;
                if (now - generation.startedAt() >= 2 * windowMillis) {
                    generation = new Generation(now, new ConcurrentHashMap<>(),
                            now - generation.startedAt() >= 4 * windowMillis ? new ConcurrentHashMap<>() : generation.seen());
                    current = generation;
                }
            }
        }
        if (generation.before().containsKey(key) || generation.seen().size() >= MAX_JTIS) {
            return false;
        }
        return generation.seen().putIfAbsent(key, Boolean.TRUE) == null;
    }

    private static boolean verifies(JWSHeader header, JWK jwk, byte[] input, Base64URL signature) throws Exception {
        JWSAlgorithm alg = header.getAlgorithm();
        JWSVerifier verifier;
        if (jwk instanceof ECKey ec && JWSAlgorithm.ES256.equals(alg) && Curve.P_256.equals(ec.getCurve())) {
            // BouncyCastle's when the application has it, as for tokens; either S of the client's signer.
            return SignatureChecks.es256(ec.toECPublicKey(), false).verify(input, input.length, signature.decode());
        } else if (jwk instanceof RSAKey rsa && (JWSAlgorithm.RS256.equals(alg) || JWSAlgorithm.PS256.equals(alg))
                && rsa.size() >= 2048) {
            verifier = new RSASSAVerifier(rsa);
        } else if (jwk instanceof OctetKeyPair okp && JWSAlgorithm.EdDSA.equals(alg) && Curve.Ed25519.equals(okp.getCurve())) {
            // The JDK's Ed25519: Nimbus' own verifier needs Tink.
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initVerify(ed25519Key(okp));
            ed25519.update(input);
            byte[] bytes = signature.decode();
            return bytes.length == 64 && ed25519.verify(bytes);
        } else {
            return false;
        }
        return verifier.verify(header, input, signature);
    }

    private static PublicKey ed25519Key(OctetKeyPair okp) throws Exception {
        byte[] x = okp.getDecodedX();
        if (x.length != 32) {
            throw new IllegalArgumentException("an Ed25519 key is 32 bytes");
        }
        byte[] spki = new byte[ED25519_SPKI_PREFIX.length + x.length];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(x, 0, spki, ED25519_SPKI_PREFIX.length, x.length);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }

    private static String withoutQuery(String htu) {
        int cut = htu.length();
        int query = htu.indexOf('?');
        int fragment = htu.indexOf('#');
        if (query >= 0) {
            cut = query;
        }
        if (fragment >= 0 && fragment < cut) {
            cut = fragment;
        }
        return htu.substring(0, cut);
    }

    private static TokenRejectedException invalid() {
        return new TokenRejectedException(Reason.INVALID_DPOP_PROOF);
    }
}
