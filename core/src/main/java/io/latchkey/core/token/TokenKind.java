package io.latchkey.core.token;

import com.nimbusds.jose.JOSEObjectType;
import io.latchkey.core.key.KeyPurpose;

/** The two kinds of token Latchkey mints, told apart by their {@code typ} header and signing key. */
public enum TokenKind {
    /** RFC 9068 JWT access token. */
    ACCESS(new JOSEObjectType("at+jwt"), KeyPurpose.ACCESS_TOKEN),
    /** Latchkey's own refresh token: a JWT only this server verifies. */
    REFRESH(new JOSEObjectType("rt+jwt"), KeyPurpose.REFRESH_TOKEN);

    private final JOSEObjectType type;
    private final KeyPurpose keyPurpose;

    TokenKind(JOSEObjectType type, KeyPurpose keyPurpose) {
        this.type = type;
        this.keyPurpose = keyPurpose;
    }

    public JOSEObjectType type() {
        return type;
    }

    public KeyPurpose keyPurpose() {
        return keyPurpose;
    }
}
