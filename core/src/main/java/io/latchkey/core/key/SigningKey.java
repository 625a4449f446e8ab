package io.latchkey.core.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import java.time.Instant;
import java.util.Optional;

/**
 * One key of the key ring, unsealed, with its signer and verifier built once: signing a token
 * allocates no cryptographic objects.
 */
public final class SigningKey {
    private final String kid;
    private final KeyPurpose purpose;
    private final SigningAlgorithm algorithm;
    private final JWK jwk;
    private final Instant createdAt;
    private final Instant retiredAt;
    private final JWSSigner signer;
    private final JWSVerifier verifier;

    SigningKey(StoredKey stored, JWK jwk) {
        this.kid = stored.kid();
        this.purpose = stored.purpose();
        this.algorithm = stored.algorithm();
        this.jwk = jwk;
        this.createdAt = stored.createdAt();
        this.retiredAt = stored.retiredAt();
        try {
            this.signer = purpose == KeyPurpose.SECRET_PEPPER ? null : algorithm.signer(jwk);
            this.verifier = purpose == KeyPurpose.SECRET_PEPPER ? null : algorithm.verifier(jwk);
        } catch (JOSEException e) {
            throw new IllegalStateException("key " + kid + " cannot be used for " + algorithm, e);
        }
    }

    public String kid() {
        return kid;
    }

    public KeyPurpose purpose() {
        return purpose;
    }

    public SigningAlgorithm algorithm() {
        return algorithm;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Optional<Instant> retiredAt() {
        return Optional.ofNullable(retiredAt);
    }

    public JWSSigner signer() {
        return signer;
    }

    public JWSVerifier verifier() {
        return verifier;
    }

    /** The public JWK for the JWKS, or empty for a symmetric key, which is never published. */
    public Optional<JWK> publicJwk() {
        return algorithm.asymmetric() ? Optional.of(jwk.toPublicJWK()) : Optional.empty();
    }

    /**
     * What a verifier of this key's tokens must hold: the public JWK of an asymmetric key, and the
     * secret JWK itself of a symmetric one. Only for the admin API, which hands it to protected APIs.
     */
    public JWK verificationJwk() {
        return publicJwk().orElse(jwk);
    }

    /** The raw bytes of a symmetric key (the pepper). */
    byte[] secretBytes() {
        return ((OctetSequenceKey) jwk).toByteArray();
    }

    @Override
    public String toString() {
        return "SigningKey[" + kid + ", " + purpose.storedName() + ", " + algorithm + "]"; // never the key
    }
}
