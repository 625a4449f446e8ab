package io.latchkey.client;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Forges tokens for the rejection tests: a real token's claims, changed, and signed again. */
final class Tokens {
    private Tokens() {
    }

    /** The HS256 key that signed {@code token}, from the server's {@code /admin/keys/access-token}. */
    static OctetSequenceKey sharedKeyOf(Latchkey latchkey, String token) {
        try {
            return (OctetSequenceKey) JWKSet.parse(latchkey.accessTokenKeys())
                    .getKeyByKeyId(SignedJWT.parse(token).getHeader().getKeyID());
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code token}'s claims changed by {@code edit}, signed with HS256 by {@code key} under {@code kid} and {@code typ}. */
    static String resign(String token, OctetSequenceKey key, String kid, String typ, Consumer<Map<String, Object>> edit) {
        try {
            Map<String, Object> claims = new LinkedHashMap<>(SignedJWT.parse(token).getJWTClaimsSet().toJSONObject());
            edit.accept(claims);
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid)
                    .type(new JOSEObjectType(typ)).build(), JWTClaimsSet.parse(claims));
            jwt.sign(new MACSigner(key));
            return jwt.serialize();
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code token}'s claims changed by {@code edit}, signed again by the same key. */
    static String resign(String token, OctetSequenceKey key, Consumer<Map<String, Object>> edit) {
        return resign(token, key, key.getKeyID(), "at+jwt", edit);
    }

    /** {@code token} with its header replaced and no signature: an unsecured JWS (RFC 7515 Appendix A.5). */
    static String unsigned(String token, Map<String, Object> header) {
        String payload = token.split("\\.")[1];
        return Base64URL.encode(JSONObjectUtils.toJSONString(header).getBytes(StandardCharsets.UTF_8)) + "." + payload + ".";
    }

    /** {@code token} with its payload changed but the old signature kept. */
    static String tampered(String token, Consumer<Map<String, Object>> edit) {
        try {
            String[] parts = token.split("\\.");
            Map<String, Object> claims = new LinkedHashMap<>(JSONObjectUtils.parse(new Base64URL(parts[1]).decodeToString()));
            edit.accept(claims);
            return parts[0] + "." + Base64URL.encode(JSONObjectUtils.toJSONString(claims)) + "." + parts[2];
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    static long epochSeconds(java.time.Instant instant) {
        return instant.getEpochSecond();
    }
}
