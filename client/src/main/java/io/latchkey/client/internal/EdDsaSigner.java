package io.latchkey.client.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.util.Set;

/**
 * EdDSA (RFC 8037 §3.1) with a JDK {@code Ed25519} private key: Nimbus's own Ed25519 signer
 * takes only its {@code OctetKeyPair} and needs Tink, which the SDK does not bring; the JDK signs
 * Ed25519 itself (JEP 339).
 */
final class EdDsaSigner implements JWSSigner {
    private final PrivateKey key;
    private final JCAContext context = new JCAContext();

    EdDsaSigner(PrivateKey key) {
        this.key = key;
    }

    /** The curve of an EdDSA key ({@code Ed25519}, {@code Ed448}), or null for another kind. */
    static String curveOf(PrivateKey key) {
        return key instanceof EdECPrivateKey ed ? ed.getParams().getName() : null;
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(key);
            signature.update(signingInput);
            return Base64URL.encode(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new JOSEException("Ed25519 signing failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(JWSAlgorithm.EdDSA);
    }

    @Override
    public JCAContext getJCAContext() {
        return context;
    }
}
