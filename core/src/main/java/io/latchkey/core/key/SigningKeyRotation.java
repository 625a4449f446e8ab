package io.latchkey.core.key;

import io.latchkey.core.audit.Actor;
import io.latchkey.core.audit.AuditAction;
import io.latchkey.core.audit.Auditor;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An operator's rotation of the signing keys: new access- and refresh-token keys sign from now
 * on, the old ones verify what they signed until it expires; audited with who asked.
 */
public final class SigningKeyRotation {
    private final KeyService keys;
    private final Auditor auditor;

    public SigningKeyRotation(KeyService keys, Auditor auditor) {
        this.keys = keys;
        this.auditor = auditor;
    }

    /** The new current keys, access-token key first. */
    public List<SigningKey> rotate(Actor by) {
        List<SigningKey> rotated = keys.rotate();
        auditor.record(AuditAction.SIGNING_KEYS_ROTATED, by, null,
                "kids " + rotated.stream().map(SigningKey::kid).collect(Collectors.joining(" ")));
        return rotated;
    }
}
