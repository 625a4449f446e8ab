package io.latchkey.core.apikey;

import io.latchkey.core.error.LatchkeyException;
import java.util.Arrays;

/**
 * What an admin API key may do. An {@link #ADMIN} key may do everything the admin API and the
 * pipeline's credential management offer. A {@link #VERIFIER} key is what a protected API holds:
 * it may read what verifying tokens takes — the access-token verification keys, token
 * introspection, and the revocation feed — and nothing else, so an API that is
 * compromised cannot create, delete or rotate anything.
 *
 * <p>A verifier key of an HS256 server still reads the shared HMAC secret, and whoever holds that
 * can mint tokens every API accepts: when the APIs are not all trusted alike, sign with an
 * asymmetric algorithm (EdDSA), whose verification keys are public.
 */
public enum ApiKeyRole {
    ADMIN("admin"),
    VERIFIER("verifier");

    private final String storedName;

    ApiKeyRole(String storedName) {
        this.storedName = storedName;
    }

    /** How the store, the admin API and the CLI spell the role. */
    public String storedName() {
        return storedName;
    }

    /** Whether a key of this role may do what {@code required} may: admin may do everything. */
    public boolean permits(ApiKeyRole required) {
        return this == ADMIN || this == required;
    }

    /** The role named {@code name}, or {@code invalid_request}. */
    public static ApiKeyRole of(String name) {
        return Arrays.stream(values()).filter(role -> role.storedName.equals(name)).findFirst()
                .orElseThrow(() -> LatchkeyException.invalidRequest(
                        "The field 'role' must be \"admin\" or \"verifier\"."));
    }

    /** The role as the store holds it; a name this version does not know is refused, never widened. */
    public static ApiKeyRole stored(String name) {
        for (ApiKeyRole role : values()) {
            if (role.storedName.equals(name)) {
                return role;
            }
        }
        throw new IllegalStateException("unknown API key role in the store: " + name);
    }
}
