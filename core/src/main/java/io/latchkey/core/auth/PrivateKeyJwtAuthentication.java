package io.latchkey.core.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.latchkey.core.client.Client;
import io.latchkey.core.client.ClientId;
import io.latchkey.core.client.ClientJwks;
import io.latchkey.core.client.ClientRegistry;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.key.SigningAlgorithm;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code private_key_jwt} (RFC 7523 §2.2 and §3, RFC 7521 §4.2): the client signs a short-lived
 * JWT with one of its registered keys. Checked: the signature (RS256, PS256, ES256 or EdDSA,
 * never {@code none} or an HMAC), {@code iss} = {@code sub} = the client id, an {@code aud} that
 * names this server, an {@code exp} in the future and at most {@link #MAX_LIFETIME} ahead, and a
 * {@code jti} that is accepted once across every instance on the store. Every failure is the same
 * {@code invalid_client}, and nothing of the assertion is logged. The keys are those the client
 * registered, or those it serves at its {@code jwksUri}, fetched again (rate-limited) when the
 * assertion names a {@code kid} they lack ({@link io.latchkey.core.client.RemoteJwks}).
 */
public final class PrivateKeyJwtAuthentication implements ClientAuthentication<Credential.ClientAssertion> {
    /** SPEC §7: an assertion lives at most five minutes, which bounds the replay table too. */
    public static final Duration MAX_LIFETIME = Duration.ofMinutes(5);
    /** The algorithms accepted, in the order metadata lists them. */
    public static final List<JWSAlgorithm> ALGORITHMS =
            List.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256, JWSAlgorithm.EdDSA);
    static final int MAX_JTI_LENGTH = 256;
    public static final String METHOD = "private_key_jwt";
    /** Verifiers kept at once; more registered keys than that start the cache over. */
    static final int MAX_CACHED_VERIFIERS = 10_000;

    private final ClientRegistry clients;
    private final AssertionReplayStore replays;
    private final Set<String> audiences;
    private final Clock clock;
    /**
     * A verifier per registered key (compared as a whole JWK) and algorithm, made once: making one
     * checks the key, which for Ed25519 decodes its point and took a third of an assertion's CPU.
     */
    private final ConcurrentHashMap<KeyAndAlgorithm, Optional<JWSVerifier>> verifiers = new ConcurrentHashMap<>();

    private record KeyAndAlgorithm(JWK key, JWSAlgorithm alg) {}

    /**
     * @param audiences what {@code aud} may name: the issuer and the URLs of the endpoints that
     *                  accept client authentication (RFC 7523 §3 item 3)
     */
    public PrivateKeyJwtAuthentication(ClientRegistry clients, AssertionReplayStore replays, Set<String> audiences,
                                       Clock clock) {
        this.clients = clients;
        this.replays = replays;
        this.audiences = Set.copyOf(audiences);
        this.clock = clock;
    }

    @Override
    public Class<Credential.ClientAssertion> checks() {
        return Credential.ClientAssertion.class;
    }

    /** Never: accepting an assertion writes its {@code jti} to the store. */
    @Override
    public boolean inMemory(Credential.ClientAssertion credential) {
        return false;
    }

    @Override
    public Caller authenticate(Credential.ClientAssertion credential) {
        String assertion = credential.assertion();
        if (assertion == null || assertion.length() > Credential.ClientAssertion.MAX_ASSERTION_LENGTH
                || !ClientId.isWellFormed(credential.clientId())) {
            throw LatchkeyException.invalidClient();
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(assertion);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw LatchkeyException.invalidClient();
        }
        if (!ALGORITHMS.contains(jwt.getHeader().getAlgorithm())) {
            throw LatchkeyException.invalidClient();
        }
        ClientId id = new ClientId(credential.clientId());
        Client client = clients.find(id).orElseThrow(LatchkeyException::invalidClient);
        ClientJwks keys = clients.verificationKeys(id).orElseThrow(LatchkeyException::invalidClient);
        if (!signedByOneOf(jwt, keys)) {
            // A key the set lacks may be one the client just rotated in at its jwksUri.
            ClientJwks newer = lacksKeyOf(jwt, keys)
                    ? clients.keysAfterUnknownKid(id, keys).orElseThrow(LatchkeyException::invalidClient) : null;
            if (newer == null || !signedByOneOf(jwt, newer)) {
                throw LatchkeyException.invalidClient();
            }
        }
        Instant expiresAt = checkClaims(claims, id.value());
        if (!replays.useOnce(id.value(), claims.getJWTID(), expiresAt)) {
            throw LatchkeyException.invalidClient(); // RFC 7523 §3 item 7: a replay
        }
        return new Caller.ClientCaller(client, METHOD);
    }

    /** RFC 7523 §3: who issued it, for whom, until when, and its one-time id; the expiry. */
    private Instant checkClaims(JWTClaimsSet claims, String clientId) {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        Date nbf = claims.getNotBeforeTime();
        String jti = claims.getJWTID();
        boolean valid = clientId.equals(claims.getIssuer()) && clientId.equals(claims.getSubject())
                && claims.getAudience() != null && claims.getAudience().stream().anyMatch(audiences::contains)
                && exp != null && exp.toInstant().isAfter(now)
                && !exp.toInstant().isAfter(now.plus(MAX_LIFETIME))
                && (nbf == null || !nbf.toInstant().isAfter(now))
                && jti != null && !jti.isBlank() && jti.length() <= MAX_JTI_LENGTH;
        if (!valid) {
            throw LatchkeyException.invalidClient();
        }
        return exp.toInstant();
    }

    /** Whether the header names a {@code kid} the set lacks, or none (and no key of the set verified). */
    private static boolean lacksKeyOf(SignedJWT jwt, ClientJwks keys) {
        String kid = jwt.getHeader().getKeyID();
        return kid == null || keys.keys().getKeyByKeyId(kid) == null;
    }

    /** Whether a key of the set that fits the header (its {@code kid}, type and alg) verifies the signature. */
    private boolean signedByOneOf(SignedJWT jwt, ClientJwks keys) {
        JWSHeader header = jwt.getHeader();
        for (JWK key : keys.keys().getKeys()) {
            if (header.getKeyID() != null && !header.getKeyID().equals(key.getKeyID())) {
                continue;
            }
            if (key.getAlgorithm() != null && !key.getAlgorithm().equals(header.getAlgorithm())) {
                continue;
            }
            try {
                JWSVerifier verifier = verifierFor(key, header.getAlgorithm());
                if (verifier != null && jwt.verify(verifier)) {
                    return true;
                }
            } catch (JOSEException | IllegalStateException e) {
                // A key that cannot check this signature: try the next one.
            }
        }
        return false;
    }

    /**
     * SigningAlgorithm picks the implementation per algorithm (BouncyCastle for ES256 and EdDSA);
     * null for a key that does not do {@code alg}.
     */
    private JWSVerifier verifierFor(JWK key, JWSAlgorithm alg) throws JOSEException {
        KeyAndAlgorithm cacheKey = new KeyAndAlgorithm(key, alg);
        Optional<JWSVerifier> cached = verifiers.get(cacheKey);
        if (cached == null) {
            cached = Optional.ofNullable(SigningAlgorithm.publicKeyVerifier(key, alg)); // throws for a bad key: not kept
            if (verifiers.size() >= MAX_CACHED_VERIFIERS) {
                verifiers.clear();
            }
            verifiers.put(cacheKey, cached);
        }
        return cached.orElse(null);
    }
}
