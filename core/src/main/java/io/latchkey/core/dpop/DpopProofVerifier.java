package io.latchkey.core.dpop;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.key.SigningAlgorithm;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a DPoP proof (RFC 9449 §4.3) for one request: a JWS of {@code typ: dpop+jwt}, signed
 * with an asymmetric algorithm ({@link #ALGORITHMS}; never {@code none} or an HMAC) by the
 * public key in its own {@code jwk} header (a private member refuses it), whose {@code htm} and
 * {@code htu} are the request's method and URI (normalised, without query or fragment), whose
 * {@code iat} is within {@link #WINDOW} of now, whose {@code jti} was not seen within that window,
 * with the server's nonce when nonces are on, and, where an access token comes with it, {@code
 * ath} its hash (§4.2). Every failure is {@code invalid_dpop_proof} (or {@code use_dpop_nonce}),
 * and nothing of the proof is logged or echoed.
 *
 * <p>A client signs its proofs with one key, so their headers are one text: the parsed header,
 * its verifier and its thumbprint are kept per text once a proof with it verified, and a proof
 * costs one signature check, its claims and one replay-cache entry.
 */
public final class DpopProofVerifier {
    /** The algorithms accepted, in the order metadata lists them ({@code dpop_signing_alg_values_supported}). */
    public static final List<JWSAlgorithm> ALGORITHMS =
            List.of(JWSAlgorithm.ES256, JWSAlgorithm.EdDSA, JWSAlgorithm.RS256, JWSAlgorithm.PS256);
    /** SPEC §7: {@code iat} within 60 s of now, either way; a {@code jti} is remembered that long. */
    public static final Duration WINDOW = Duration.ofSeconds(60);
    /** An RSA proof with a 4096-bit key is under 2 KiB; a longer header is refused unread. */
    public static final int MAX_PROOF_LENGTH = 4 * 1024;
    static final int MAX_JTI_LENGTH = 256;
    private static final int MIN_RSA_BITS = 2048;
    private static final int MAX_CACHED_KEYS = 10_000;
    private static final JOSEObjectType DPOP_JWT = new JOSEObjectType("dpop+jwt");

    private final Clock clock;
    private final DpopNonces nonces;
    private final DpopReplayCache replays;
    private final ConcurrentHashMap<String, ProofKey> keys = new ConcurrentHashMap<>();

    /** A header that verified once: the key it carries, ready to verify with. */
    private record ProofKey(JWSHeader header, JWSVerifier verifier, String jkt) {
    }

    /** @param nonces the server's nonces (RFC 9449 §8), or null when the token endpoint asks for none */
    public DpopProofVerifier(Clock clock, DpopNonces nonces) {
        this.clock = clock;
        this.nonces = nonces;
        // An entry must outlive a proof's acceptability: up to a window ahead, plus the window.
        this.replays = new DpopReplayCache(clock, 2 * WINDOW.toMillis());
    }

    /** The server's nonces, or null when they are off. */
    public DpopNonces nonces() {
        return nonces;
    }

    /**
     * Checks {@code proof} for a request of {@code method} to {@code uri}.
     *
     * @param accessToken the access token the request presents with the proof, whose hash the
     *                    proof's {@code ath} must be, or null at the token endpoint
     * @param nonceRequired whether the proof must carry a current server nonce (the token
     *                      endpoint's, when nonces are on)
     * @throws LatchkeyException {@code invalid_dpop_proof}, or {@code use_dpop_nonce}
     */
    public DpopProof verify(String proof, String method, String uri, String accessToken, boolean nonceRequired) {
        if (proof == null || proof.isEmpty() || proof.length() > MAX_PROOF_LENGTH) {
            throw invalid("The DPoP proof is missing or too long.");
        }
        // A compact JWS: three segments (RFC 7515 §7.1); the header's text keys the known keys.
        int dot = proof.indexOf('.');
        int second = dot < 0 ? -1 : proof.indexOf('.', dot + 1);
        if (dot <= 0 || second <= dot + 1 || second == proof.length() - 1 || proof.indexOf('.', second + 1) >= 0) {
            throw invalid("The DPoP proof is not a JWS.");
        }
        String headerSegment = proof.substring(0, dot);
        JWTClaimsSet claims;
        boolean signed;
        ProofKey key;
        try {
            ProofKey known = keys.get(headerSegment);
            key = known != null ? known : keyOf(JWSHeader.parse(new Base64URL(headerSegment)));
            signed = key.verifier().verify(key.header(), proof.substring(0, second).getBytes(StandardCharsets.US_ASCII),
                    new Base64URL(proof.substring(second + 1)));
            claims = JWTClaimsSet.parse(new Base64URL(proof.substring(dot + 1, second)).decodeToString());
        } catch (ParseException | JOSEException | RuntimeException e) {
            if (e instanceof LatchkeyException known) {
                throw known;
            }
            throw invalid("The DPoP proof is not a well-formed JWS.");
        }
        if (!signed) {
            throw invalid("The DPoP proof's signature does not verify with its jwk.");
        }
        if (keys.size() >= MAX_CACHED_KEYS) {
            keys.clear(); // crude bound: a flood of keys must not grow memory
        }
        keys.putIfAbsent(headerSegment, key);
        checkClaims(claims, method, uri, accessToken, nonceRequired);
        if (!replays.firstUse(key.jkt() + ' ' + claims.getJWTID())) {
            throw invalid("The DPoP proof was already used.");
        }
        return new DpopProof(key.jkt());
    }

    /** §4.3 items 4 to 7: typ, an asymmetric alg we accept, a public jwk of that alg's kind. */
    private static ProofKey keyOf(JWSHeader header) {
        if (!DPOP_JWT.equals(header.getType())) {
            throw invalid("The DPoP proof's typ must be dpop+jwt.");
        }
        JWSAlgorithm alg = header.getAlgorithm();
        if (!ALGORITHMS.contains(alg)) {
            throw invalid("The DPoP proof must be signed with one of " + names() + ".");
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            throw invalid("The DPoP proof names critical header parameters this server does not know.");
        }
        JWK jwk = header.getJWK();
        if (jwk == null) {
            throw invalid("The DPoP proof has no jwk header.");
        }
        if (jwk.isPrivate()) {
            throw invalid("The DPoP proof's jwk must be a public key.");
        }
        try {
            return new ProofKey(header, verifierFor(jwk, alg), jwk.computeThumbprint("SHA-256").toString());
        } catch (JOSEException | RuntimeException e) {
            throw invalid("The DPoP proof's jwk is not a key for its alg.");
        }
    }

    /** The curve and key size this endpoint accepts; SigningAlgorithm picks the implementation (BouncyCastle for ES256 and EdDSA). */
    private static JWSVerifier verifierFor(JWK jwk, JWSAlgorithm alg) throws JOSEException {
        boolean fits = jwk instanceof ECKey ec ? Curve.P_256.equals(ec.getCurve())
                : jwk instanceof OctetKeyPair okp ? Curve.Ed25519.equals(okp.getCurve())
                : jwk instanceof RSAKey rsa && rsa.size() >= MIN_RSA_BITS;
        JWSVerifier verifier = fits ? SigningAlgorithm.publicKeyVerifier(jwk, alg) : null;
        if (verifier == null) {
            throw new JOSEException("no verifier");
        }
        return verifier;
    }

    /** §4.3 items 8 to 12: htm, htu, iat, jti, nonce, ath. */
    private void checkClaims(JWTClaimsSet claims, String method, String uri, String accessToken, boolean nonceRequired) {
        String jti;
        String htm;
        String htu;
        String ath;
        String nonce;
        try {
            jti = claims.getStringClaim("jti");
            htm = claims.getStringClaim("htm");
            htu = claims.getStringClaim("htu");
            ath = claims.getStringClaim("ath");
            nonce = claims.getStringClaim("nonce");
        } catch (ParseException e) {
            throw invalid("The DPoP proof's claims are not of the right types.");
        }
        if (jti == null || jti.isEmpty() || jti.length() > MAX_JTI_LENGTH) {
            throw invalid("The DPoP proof needs a jti.");
        }
        if (!method.equals(htm)) {
            throw invalid("The DPoP proof's htm is not this request's method.");
        }
        String expected = HttpUris.normalise(uri);
        if (expected == null || !expected.equals(HttpUris.normalise(withoutQuery(htu)))) {
            throw invalid("The DPoP proof's htu is not this request's URI.");
        }
        Date iat = claims.getIssueTime();
        Instant now = clock.instant();
        if (iat == null || iat.toInstant().isBefore(now.minus(WINDOW)) || iat.toInstant().isAfter(now.plus(WINDOW))) {
            throw invalid("The DPoP proof's iat must be within " + WINDOW.toSeconds() + " seconds of now.");
        }
        if (accessToken != null && (ath == null || !MessageDigest.isEqual(
                ath.getBytes(StandardCharsets.US_ASCII), hashOf(accessToken).getBytes(StandardCharsets.US_ASCII)))) {
            throw invalid("The DPoP proof's ath is not the hash of the access token.");
        }
        if (nonceRequired && nonces != null && !nonces.isCurrent(nonce)) {
            throw new LatchkeyException(io.latchkey.core.error.ErrorCode.USE_DPOP_NONCE,
                    "Put the nonce of the DPoP-Nonce header in the DPoP proof.");
        }
    }

    /** RFC 9449 §4.2 {@code ath}: the base64url SHA-256 of the access token's ASCII. */
    public static String hashOf(String accessToken) {
        try {
            return Base64URL.encode(MessageDigest.getInstance("SHA-256")
                    .digest(accessToken.getBytes(StandardCharsets.US_ASCII))).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static String withoutQuery(String htu) {
        if (htu == null) {
            return null;
        }
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

    /** The accepted algorithms, space-separated, as the {@code algs} of a DPoP challenge (RFC 9449 §7.1). */
    public static String names() {
        return String.join(" ", ALGORITHMS.stream().map(JWSAlgorithm::getName).toList());
    }

    private static LatchkeyException invalid(String message) {
        return LatchkeyException.invalidDpopProof(message);
    }
}
