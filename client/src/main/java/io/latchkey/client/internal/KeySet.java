package io.latchkey.client.internal;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys a verifier knows at one moment, by {@code kid}, immutable: a refetch builds a new set
 * and swaps it in whole. A key given without a {@code kid} (a configured shared secret) verifies
 * tokens naming any {@code kid}.
 */
public final class KeySet {
    static final KeySet EMPTY = new KeySet(Map.of(), List.of());

    private final Map<String, SignatureCheck> byKid;
    private final List<SignatureCheck> anyKid;

    KeySet(Map<String, SignatureCheck> byKid, List<SignatureCheck> anyKid) {
        this.byKid = Map.copyOf(byKid);
        this.anyKid = List.copyOf(anyKid);
    }

    /** The usable signing keys of a JWK set; keys no access token can be signed with are left out. */
    public static KeySet of(JWKSet jwks) {
        Map<String, SignatureCheck> byKid = new HashMap<>();
        List<SignatureCheck> anyKid = new ArrayList<>();
        for (JWK jwk : jwks.getKeys()) {
            SignatureChecks.from(jwk).ifPresent(check -> {
                if (jwk.getKeyID() == null) {
                    anyKid.add(check);
                } else {
                    byKid.put(jwk.getKeyID(), check);
                }
            });
        }
        return new KeySet(byKid, anyKid);
    }

    /** An HS256 shared secret, matching tokens of any {@code kid}. */
    public static KeySet ofSecret(byte[] secret) {
        return new KeySet(Map.of(), List.of(SignatureChecks.hs256(secret)));
    }

    /** The key for a token's {@code kid} and {@code alg}, or {@code null}. */
    SignatureCheck find(String kid, String algorithm) {
        SignatureCheck check = kid == null ? null : byKid.get(kid);
        if (check != null) {
            return check;
        }
        for (SignatureCheck candidate : anyKid) {
            if (candidate.algorithm().equals(algorithm)) {
                return candidate;
            }
        }
        return null;
    }

    /** Whether {@code kid} names a key here at all (if not, a refetch may find it). */
    boolean knows(String kid) {
        return (kid != null && byKid.containsKey(kid)) || !anyKid.isEmpty();
    }

    int size() {
        return byKid.size() + anyKid.size();
    }

    @Override
    public String toString() {
        return "KeySet" + byKid.keySet() + (anyKid.isEmpty() ? "" : " + " + anyKid.size() + " without kid");
    }
}
