package io.latchkey.core.client;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import io.latchkey.core.error.LatchkeyException;
import java.text.ParseException;
import java.util.List;
import java.util.Map;

/**
 * The public keys a {@code private_key_jwt} client signs its assertions with (RFC 7591 §2
 * {@code jwks}): RSA of at least 2048 bits, EC on P-256, or Ed25519, and nothing else — no
 * private member, no symmetric key (a shared HMAC key would be a secret again, RFC 7523 §3).
 */
public record ClientJwks(JWKSet keys) {
    /** More keys than a client rotating one at a time needs. */
    public static final int MAX_KEYS = 10;
    /** The JSON text of {@link #MAX_KEYS} 4096-bit RSA public keys fits (and a request body of 16 KiB holds it). */
    public static final int MAX_JSON_LENGTH = 12 * 1024;
    static final int MIN_RSA_BITS = 2048;

    public ClientJwks {
        keys = new JWKSet(keys.getKeys()); // an immutable copy of public keys only, checked below
        check(keys.getKeys());
    }

    /**
     * The checked key set of a JWK set's JSON text.
     *
     * @throws LatchkeyException {@code invalid_request} for a set that is malformed, empty, too
     *                           large, or holds a key that is private, symmetric, weak or of an
     *                           unsupported type
     */
    public static ClientJwks parse(String json) {
        if (json == null || json.length() > MAX_JSON_LENGTH) {
            throw LatchkeyException.invalidRequest("jwks must be a JWK set of at most " + MAX_JSON_LENGTH + " characters.");
        }
        return parseBounded(json);
    }

    /**
     * The checked key set a client serves at its {@link JwksUri}, whose size the fetch bounded
     * ({@link JwksFetcher#MAX_BYTES}); the same rules as {@link #parse}, the same messages.
     */
    public static ClientJwks parseServed(String json) {
        return parseBounded(json);
    }

    private static ClientJwks parseBounded(String json) {
        JWKSet set;
        try {
            set = JWKSet.parse(json);
        } catch (ParseException e) {
            throw LatchkeyException.invalidRequest("jwks is not a JWK set (RFC 7517 §5).");
        }
        return new ClientJwks(set);
    }

    /** The set as JSON text, public members only (what is stored and shown). */
    public String json() {
        return keys.toString(true);
    }

    /** The set as a JSON object, public members only. */
    public Map<String, Object> jsonObject() {
        return keys.toJSONObject(true);
    }

    private static void check(List<JWK> keys) {
        if (keys.isEmpty()) {
            throw LatchkeyException.invalidRequest("jwks must hold at least one key.");
        }
        if (keys.size() > MAX_KEYS) {
            throw LatchkeyException.invalidRequest("jwks may hold at most " + MAX_KEYS + " keys.");
        }
        for (int i = 0; i < keys.size(); i++) {
            JWK key = keys.get(i);
            String name = "key " + (i + 1);
            if (key.isPrivate()) {
                throw LatchkeyException.invalidRequest("jwks holds a private member in " + name
                        + ": register only public keys.");
            }
            if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
                throw LatchkeyException.invalidRequest("jwks: " + name + " is not for signatures (use).");
            }
            if (key instanceof RSAKey rsa) {
                if (rsa.size() < MIN_RSA_BITS) {
                    throw LatchkeyException.invalidRequest("jwks: " + name + " is an RSA key of fewer than "
                            + MIN_RSA_BITS + " bits.");
                }
            } else if (key instanceof ECKey ec) {
                if (!Curve.P_256.equals(ec.getCurve())) {
                    throw LatchkeyException.invalidRequest("jwks: " + name + " is an EC key not on P-256 (ES256).");
                }
            } else if (key instanceof OctetKeyPair okp) {
                if (!Curve.Ed25519.equals(okp.getCurve())) {
                    throw LatchkeyException.invalidRequest("jwks: " + name + " is an OKP key that is not Ed25519.");
                }
            } else {
                throw LatchkeyException.invalidRequest("jwks: " + name + " is of type " + key.getKeyType()
                        + "; only RSA, EC (P-256) and OKP (Ed25519) public keys are accepted.");
            }
        }
    }
}
