package io.latchkey.server;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** DPoP proofs (RFC 9449 §4.2) made by hand, for the proofs a well-behaved client library would not make. */
final class DpopProofs {
    private DpopProofs() {
    }

    static JWK key(JWSAlgorithm alg) {
        try {
            if (JWSAlgorithm.ES256.equals(alg)) {
                return new ECKeyGenerator(Curve.P_256).generate();
            }
            if (JWSAlgorithm.EdDSA.equals(alg)) {
                return new OctetKeyPairGenerator(Curve.Ed25519).generate();
            }
            return new RSAKeyGenerator(2048).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JWSSigner signer(JWK key) {
        try {
            if (key instanceof ECKey ec) {
                return new ECDSASigner(ec);
            }
            if (key instanceof OctetKeyPair okp) {
                return new Ed25519Signer(okp);
            }
            return new RSASSASigner((RSAKey) key);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JWSAlgorithm algOf(JWK key) {
        return key instanceof ECKey ? JWSAlgorithm.ES256 : key instanceof OctetKeyPair ? JWSAlgorithm.EdDSA
                : JWSAlgorithm.RS256;
    }

    /** A proof for {@code htm} {@code htu} issued at {@code iat}, after {@code header} and {@code claims} had their say. */
    static String proof(JWK key, String htm, String htu, Instant iat, UnaryOperator<JWSHeader.Builder> header,
                        UnaryOperator<JWTClaimsSet.Builder> claims) {
        JWSHeader.Builder h = new JWSHeader.Builder(algOf(key)).type(new JOSEObjectType("dpop+jwt")).jwk(key.toPublicJWK());
        JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
                .claim("htm", htm).claim("htu", htu).issueTime(Date.from(iat));
        try {
            SignedJWT jwt = new SignedJWT(header.apply(h).build(), claims.apply(c).build());
            jwt.sign(signer(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String proof(JWK key, String htm, String htu, Instant iat) {
        return proof(key, htm, htu, iat, h -> h, c -> c);
    }

    /**
     * A proof whose header is {@code headerJson} as given, which Nimbus would refuse to build (a
     * private {@code jwk}), signed by {@code signer} for {@code alg}.
     */
    static String rawProof(String headerJson, String htu, Instant iat, JWSAlgorithm alg, JWSSigner signer) {
        String header = Base64URL.encode(headerJson).toString();
        String claims = Base64URL.encode("{\"jti\":\"" + UUID.randomUUID() + "\",\"htm\":\"POST\",\"htu\":\"" + htu
                + "\",\"iat\":" + iat.getEpochSecond() + "}").toString();
        try {
            String input = header + "." + claims;
            return input + "." + signer.sign(new JWSHeader(alg), input.getBytes(StandardCharsets.US_ASCII));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 9449 §4.2 {@code ath}. */
    static String ath(String accessToken) {
        try {
            return Base64URL.encode(MessageDigest.getInstance("SHA-256")
                    .digest(accessToken.getBytes(StandardCharsets.US_ASCII))).toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String thumbprint(JWK key) {
        try {
            return key.toPublicJWK().computeThumbprint().toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
