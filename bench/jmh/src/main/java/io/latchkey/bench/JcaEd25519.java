package io.latchkey.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Set;

/** Ed25519 (JEP 339, or BouncyCastle's provider) through {@code java.security.Signature}. */
final class JcaEd25519 implements JWSSigner, JWSVerifier {
    private final Provider provider;
    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final JCAContext context = new JCAContext();

    JcaEd25519(Provider provider, PrivateKey privateKey, PublicKey publicKey) {
        this.provider = provider;
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    private Signature signature() throws java.security.GeneralSecurityException {
        return provider == null ? Signature.getInstance("Ed25519") : Signature.getInstance("Ed25519", provider);
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        try {
            Signature signature = signature();
            signature.initSign(privateKey);
            signature.update(signingInput);
            return Base64URL.encode(signature.sign());
        } catch (java.security.GeneralSecurityException e) {
            throw new JOSEException(e.getMessage(), e);
        }
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
        try {
            Signature verifier = signature();
            verifier.initVerify(publicKey);
            verifier.update(signingInput);
            return verifier.verify(signature.decode());
        } catch (java.security.GeneralSecurityException e) {
            throw new JOSEException(e.getMessage(), e);
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
