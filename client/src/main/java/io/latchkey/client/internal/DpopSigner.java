package io.latchkey.client.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Makes DPoP proofs (RFC 9449 §4.2) with one key pair: a fresh {@code jti} and {@code iat} each,
 * the request's {@code htm} and {@code htu} (without query or fragment), {@code ath} when an
 * access token goes with it, and the server's nonce once it gave one (§8). ES256 for a P-256
 * key, EdDSA for an Ed25519 key (the JDK's own, Java 15+), PS256 for RSA. The private key never
 * leaves this object; {@link #toString()} names only the algorithm.
 */
public final class DpopSigner {
    public static final String HEADER = "DPoP";
    static final String NONCE_HEADER = "DPoP-Nonce";

    private final KeyPair keys;
    private final JWSAlgorithm algorithm;
    private final String encodedHeader;
    private final String thumbprint;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private volatile String nonce;

    public DpopSigner(KeyPair keys, Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = clock;
        JWK publicJwk = publicJwk(keys);
        this.algorithm = publicJwk instanceof ECKey ? JWSAlgorithm.ES256
                : publicJwk instanceof OctetKeyPair ? JWSAlgorithm.EdDSA : JWSAlgorithm.PS256;
        JWSHeader header = new JWSHeader.Builder(algorithm).type(new JOSEObjectType("dpop+jwt")).jwk(publicJwk).build();
        this.encodedHeader = header.toBase64URL().toString();
        try {
            this.thumbprint = publicJwk.computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot compute the key's thumbprint", e);
        }
        proof("POST", URI.create("https://localhost/"), null); // fail here, not at the first request
    }

    /** The RFC 7638 thumbprint of the public key: the {@code cnf.jkt} of the tokens it gets. */
    public String thumbprint() {
        return thumbprint;
    }

    /** A proof for {@code method} {@code uri}, bound to {@code accessToken} when it is not null. */
    public String proof(String method, URI uri, String accessToken) {
        Map<String, Object> claims = new LinkedHashMap<>();
        byte[] id = new byte[16];
        random.nextBytes(id);
        claims.put("jti", Base64URL.encode(id).toString());
        claims.put("htm", method);
        claims.put("htu", withoutQuery(uri));
        claims.put("iat", clock.millis() / 1000);
        if (accessToken != null) {
            claims.put("ath", ath(accessToken));
        }
        String currentNonce = nonce;
        if (currentNonce != null) {
            claims.put("nonce", currentNonce);
        }
        String input = encodedHeader + "." + Base64URL.encode(JSONObjectUtils.toJSONString(claims)).toString();
        try {
            return input + "." + sign(input.getBytes(StandardCharsets.US_ASCII));
        } catch (JOSEException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a DPoP proof with " + algorithm, e);
        }
    }

    /**
     * Sends a token request with a fresh proof for {@code uri}, and sends it once more with the
     * server's nonce when the server asks for one ({@code use_dpop_nonce}, RFC 9449 §8).
     */
    public JsonHttp.Answer sendTokenRequest(JsonHttp http, HttpRequest.Builder request, URI uri)
            throws IOException, InterruptedException {
        JsonHttp.Answer answer = http.send(request.copy().setHeader(HEADER, proof("POST", uri, null)).build());
        boolean nonceAsked = answer.status() == 400 && answer.string("error").filter("use_dpop_nonce"::equals).isPresent();
        answer.header(NONCE_HEADER).ifPresent(given -> nonce = given);
        if (!nonceAsked || answer.header(NONCE_HEADER).isEmpty()) {
            return answer;
        }
        JsonHttp.Answer retried = http.send(request.copy().setHeader(HEADER, proof("POST", uri, null)).build());
        retried.header(NONCE_HEADER).ifPresent(given -> nonce = given);
        return retried;
    }

    private String sign(byte[] input) throws JOSEException, GeneralSecurityException {
        if (JWSAlgorithm.ES256.equals(algorithm)) {
            return new ECDSASigner((ECPrivateKey) keys.getPrivate()).sign(new JWSHeader(algorithm), input).toString();
        }
        if (JWSAlgorithm.PS256.equals(algorithm)) {
            return new RSASSASigner((RSAPrivateKey) keys.getPrivate()).sign(new JWSHeader(algorithm), input).toString();
        }
        Signature ed25519 = Signature.getInstance("Ed25519");
        ed25519.initSign(keys.getPrivate());
        ed25519.update(input);
        return Base64URL.encode(ed25519.sign()).toString();
    }

    /** RFC 9449 §4.2: base64url of the SHA-256 of the token's ASCII. */
    static String ath(String accessToken) {
        try {
            return Base64URL.encode(MessageDigest.getInstance("SHA-256")
                    .digest(accessToken.getBytes(StandardCharsets.US_ASCII))).toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static String withoutQuery(URI uri) {
        String text = uri.toString();
        int cut = text.length();
        int query = text.indexOf('?');
        int fragment = text.indexOf('#');
        if (query >= 0) {
            cut = query;
        }
        if (fragment >= 0 && fragment < cut) {
            cut = fragment;
        }
        return text.substring(0, cut);
    }

    private static JWK publicJwk(KeyPair keys) {
        if (keys.getPublic() instanceof ECPublicKey ec && keys.getPrivate() instanceof ECPrivateKey) {
            if (!Curve.P_256.equals(Curve.forECParameterSpec(ec.getParams()))) {
                throw new IllegalArgumentException("an EC DPoP key is on P-256 (ES256)");
            }
            return new ECKey.Builder(Curve.P_256, ec).build();
        }
        if (keys.getPublic() instanceof RSAPublicKey rsa && keys.getPrivate() instanceof RSAPrivateKey) {
            if (rsa.getModulus().bitLength() < 2048) {
                throw new IllegalArgumentException("an RSA DPoP key has at least 2048 bits");
            }
            return new RSAKey.Builder(rsa).build();
        }
        if (keys.getPublic() instanceof EdECPublicKey ed && "Ed25519".equals(ed.getParams().getName())) {
            byte[] spki = ed.getEncoded(); // RFC 8410 §4: the raw 32-byte key ends the SubjectPublicKeyInfo
            return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(Arrays.copyOfRange(spki, spki.length - 32,
                    spki.length))).build();
        }
        throw new IllegalArgumentException("a DPoP key pair is EC P-256, Ed25519 or RSA");
    }

    @Override
    public String toString() {
        return "DpopSigner[" + algorithm + "]"; // never the key
    }
}
