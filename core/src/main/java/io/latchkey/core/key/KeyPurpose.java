package io.latchkey.core.key;

/** What a piece of key material is for. Each purpose has exactly one current key. */
public enum KeyPurpose {
    /** Signs access tokens with the configured algorithm. */
    ACCESS_TOKEN("access_token"),
    /** Signs refresh tokens, always HS512: only this server ever verifies them. */
    REFRESH_TOKEN("refresh_token"),
    /** The pepper of the keyed hash of client secrets and API keys; never rotated. */
    SECRET_PEPPER("secret_pepper");

    private final String storedName;

    KeyPurpose(String storedName) {
        this.storedName = storedName;
    }

    public String storedName() {
        return storedName;
    }

    public static KeyPurpose fromStoredName(String name) {
        for (KeyPurpose purpose : values()) {
            if (purpose.storedName.equals(name)) {
                return purpose;
            }
        }
        throw new IllegalArgumentException("unknown key purpose " + name);
    }
}
