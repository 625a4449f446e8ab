package io.latchkey.core.dpop;

import io.latchkey.core.token.Confirmation;

/**
 * A DPoP proof (RFC 9449 §4) that checked out for one request.
 *
 * @param jkt the RFC 7638 SHA-256 thumbprint of the proof's public key, base64url
 */
public record DpopProof(String jkt) {
    /** What a token issued for this proof is bound to ({@code cnf.jkt}, RFC 9449 §6.1). */
    public Confirmation binding() {
        return Confirmation.ofDpopKey(jkt);
    }
}
