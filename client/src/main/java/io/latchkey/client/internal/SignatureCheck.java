package io.latchkey.client.internal;

/**
 * Verifies a JWS signature with one key, built once per key so a verification allocates no
 * cryptographic objects: each thread keeps its own initialised {@link javax.crypto.Mac} or
 * {@link java.security.Signature}, which neither Nimbus's verifiers nor the JCA share between
 * threads.
 */
public interface SignatureCheck {
    /** The JWS {@code alg} this key verifies (RFC 7518 §3.1). A token naming another is refused. */
    String algorithm();

    /**
     * @param signingInput its first {@code length} bytes are the ASCII of {@code header.payload}
     * @param signature    the decoded JWS signature
     */
    boolean verify(byte[] signingInput, int length, byte[] signature);
}
